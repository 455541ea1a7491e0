package netguard_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/earshot/earshot/internal/netguard"
	"github.com/earshot/earshot/internal/testnet"
)

func TestDialRefusesLoopbackByDefault(t *testing.T) {
	addr, hits := testnet.TCPServer(t, "127.0.0.1:0", func(c net.Conn) { c.Close() })
	_, port, _ := net.SplitHostPort(addr)
	strict := testnet.Policy(t)
	for _, target := range []string{addr, "localhost:" + port, testnet.MediaName + ":" + port, "[::ffff:127.0.0.1]:" + port} {
		c, err := strict.DialContext(context.Background(), "tcp", target)
		if err == nil {
			c.Close()
			t.Errorf("%s: connected", target)
		} else if !errors.Is(err, netguard.ErrRefused) {
			t.Errorf("%s: got %v, want a refusal", target, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d connections reached the server", n)
	}
	for _, allow := range []string{"127.0.0.1/32", "media.test"} {
		c, err := testnet.Policy(t, allow).DialContext(context.Background(), "tcp", testnet.MediaName+":"+port)
		if err != nil {
			t.Errorf("allow %s: %v", allow, err)
			continue
		}
		c.Close()
	}
	if _, err := strict.DialContext(context.Background(), "unix", "/run/x.sock"); err == nil {
		t.Error("unix socket dialed")
	}
}

// TestDialPrivateAddress: a real server on a private address (the host
// end of a veth pair) is refused by default and reached when listed.
func TestDialPrivateAddress(t *testing.T) {
	ns := testnet.NewNamespace(t)
	addr, hits := testnet.TCPServer(t, net.JoinHostPort(ns.HostIP, "0"), func(c net.Conn) { c.Close() })
	if _, err := netguard.Default().DialContext(context.Background(), "tcp", addr); !errors.Is(err, netguard.ErrRefused) {
		t.Fatalf("%s: got %v, want a refusal", addr, err)
	}
	if hits.Load() != 0 {
		t.Fatal("the private server was reached")
	}
	c, err := testnet.Policy(t, ns.HostIP+"/30").DialContext(context.Background(), "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

// TestHTTPClientRefusesRedirectToLoopback: an allowed server answers 302
// to http://127.0.0.1:...; the client never reaches the target.
func TestHTTPClientRefusesRedirectToLoopback(t *testing.T) {
	var hit atomic.Bool
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hit.Store(true) }))
	defer target.Close()
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/file":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		case "/localhost":
			http.Redirect(w, r, strings.Replace(target.URL, "127.0.0.1", "localhost", 1), http.StatusFound)
		default:
			http.Redirect(w, r, target.URL+"/secret", http.StatusFound)
		}
	}))
	defer redirector.Close()
	_, port, _ := net.SplitHostPort(redirector.Listener.Addr().String())
	p := testnet.Policy(t, testnet.MediaName)
	for _, path := range []string{"/", "/localhost", "/file"} {
		resp, err := p.HTTPClient(0).Get("http://" + testnet.MediaName + ":" + port + path)
		if err == nil {
			resp.Body.Close()
			t.Errorf("%s: followed to %s", path, resp.Request.URL)
		} else if !errors.Is(err, netguard.ErrRefused) {
			t.Errorf("%s: got %v, want a refusal", path, err)
		}
	}
	if hit.Load() {
		t.Error("the loopback target was reached")
	}
	// Listed, the same redirect is followed.
	resp, err := testnet.Policy(t, "127.0.0.1/32").HTTPClient(0).Get(redirector.URL)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if !hit.Load() {
		t.Error("allowed redirect not followed")
	}
}

func TestHTTPClientIgnoresEnvironmentProxy(t *testing.T) {
	t.Setenv("HTTP_PROXY", "http://127.0.0.1:1")
	t.Setenv("http_proxy", "http://127.0.0.1:1")
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	resp, err := testnet.Policy(t, "127.0.0.1").HTTPClient(0).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestIsConnectFailure(t *testing.T) {
	p := testnet.Policy(t, "127.0.0.1")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	_, err = p.DialContext(context.Background(), "tcp", closed)
	if !netguard.IsConnectFailure(err) {
		t.Errorf("refused port: %v is not a connect failure", err)
	}
	_, err = netguard.Default().DialContext(context.Background(), "tcp", closed)
	if netguard.IsConnectFailure(err) || !errors.Is(err, netguard.ErrRefused) {
		t.Errorf("policy refusal: %v", err)
	}
	if netguard.IsConnectFailure(context.Canceled) || netguard.IsConnectFailure(nil) {
		t.Error("cancel or nil counted")
	}
}
