package netguard

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/earshot/earshot/internal/testnet"
)

// listen starts a TCP server on addr that counts its connections.
func listen(t *testing.T, addr string) (string, *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var n atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			c.Close()
		}
	}()
	return ln.Addr().String(), &n
}

func TestDialRefusesLoopbackByDefault(t *testing.T) {
	addr, hits := listen(t, "127.0.0.1:0")
	_, port, _ := net.SplitHostPort(addr)
	r := &testResolver{names: map[string][]string{"media.test": {"127.0.0.1"}}}
	strict := mustPolicy(t, r)
	for _, target := range []string{addr, "localhost:" + port, "media.test:" + port, "[::ffff:127.0.0.1]:" + port} {
		c, err := strict.DialContext(context.Background(), "tcp", target)
		if err == nil {
			c.Close()
			t.Errorf("%s: connected", target)
		} else if !errors.Is(err, ErrRefused) {
			t.Errorf("%s: got %v, want a refusal", target, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d connections reached the server", n)
	}
	for _, allow := range []string{"127.0.0.1/32", "media.test"} {
		c, err := mustPolicy(t, r, allow).DialContext(context.Background(), "tcp", "media.test:"+port)
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
	addr, hits := listen(t, net.JoinHostPort(ns.HostIP, "0"))
	if _, err := Default().DialContext(context.Background(), "tcp", addr); !errors.Is(err, ErrRefused) {
		t.Fatalf("%s: got %v, want a refusal", addr, err)
	}
	if hits.Load() != 0 {
		t.Fatal("the private server was reached")
	}
	c, err := mustPolicy(t, nil, ns.HostIP+"/30").DialContext(context.Background(), "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

// TestDialRebinding: the name is resolved on every dial, and the second
// answer (loopback) is refused although the first was public.
func TestDialRebinding(t *testing.T) {
	r := &testResolver{seq: map[string][][]string{"rebind.test": {{"93.184.216.34"}, {"127.0.0.1"}}}}
	p := mustPolicy(t, r)
	if _, err := p.Resolve(context.Background(), "rebind.test"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.DialContext(context.Background(), "tcp", "rebind.test:80"); !errors.Is(err, ErrRefused) {
		t.Fatalf("second resolution: got %v, want a refusal", err)
	}
}

// TestControlChecksTheDialedAddress: the hook refuses an address that was
// not the one checked, and special addresses even then.
func TestControlChecksTheDialedAddress(t *testing.T) {
	p := Default()
	ctl := p.pinned([]netip.Addr{netip.MustParseAddr("93.184.216.34")}, false)
	for addr, ok := range map[string]bool{"93.184.216.34:80": true, "127.0.0.1:80": false, "[::ffff:93.184.216.34]:443": true, "8.8.8.8:53": false} {
		if err := ctl("tcp4", addr, nil); (err == nil) != ok {
			t.Errorf("%s: %v", addr, err)
		}
	}
	if err := p.Control("tcp4", "169.254.169.254:80", nil); !errors.Is(err, ErrRefused) {
		t.Errorf("metadata: %v", err)
	}
	d := net.Dialer{Control: p.Control}
	addr, _ := listen(t, "127.0.0.1:0")
	if _, err := d.Dial("tcp", addr); !errors.Is(err, ErrRefused) {
		t.Errorf("dialer with Control reached %s: %v", addr, err)
	}
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
	p := mustPolicy(t, &testResolver{names: map[string][]string{"media.test": {"127.0.0.1"}}}, "media.test")
	for _, path := range []string{"/", "/localhost", "/file"} {
		resp, err := p.HTTPClient(0).Get("http://media.test:" + port + path)
		if err == nil {
			resp.Body.Close()
			t.Errorf("%s: followed to %s", path, resp.Request.URL)
		} else if !errors.Is(err, ErrRefused) {
			t.Errorf("%s: got %v, want a refusal", path, err)
		}
	}
	if hit.Load() {
		t.Error("the loopback target was reached")
	}
	// Listed, the same redirect is followed.
	resp, err := mustPolicy(t, nil, "127.0.0.1/32").HTTPClient(0).Get(redirector.URL)
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
	resp, err := mustPolicy(t, nil, "127.0.0.1").HTTPClient(0).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestIsConnectFailure(t *testing.T) {
	p := mustPolicy(t, nil, "127.0.0.1")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	_, err = p.DialContext(context.Background(), "tcp", closed)
	if !IsConnectFailure(err) {
		t.Errorf("refused port: %v is not a connect failure", err)
	}
	_, err = Default().DialContext(context.Background(), "tcp", closed)
	if IsConnectFailure(err) || !errors.Is(err, ErrRefused) {
		t.Errorf("policy refusal: %v", err)
	}
	if IsConnectFailure(context.Canceled) || IsConnectFailure(nil) {
		t.Error("cancel or nil counted")
	}
}
