package netguard

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
)

// proxied returns a client that sends everything through x.
func proxied(t *testing.T, x *Proxy, tlsConf *tls.Config) *http.Client {
	t.Helper()
	u, err := url.Parse(x.URL())
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(u), TLSClientConfig: tlsConf}}
}

func startProxy(t *testing.T, p *Policy) *Proxy {
	t.Helper()
	x, err := p.StartProxy()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestProxyForwardsAllowedAndRefusesTheRest(t *testing.T) {
	var secret atomic.Bool
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { secret.Store(true) }))
	defer target.Close()
	media := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, target.URL+"/admin", http.StatusFound)
			return
		}
		_, _ = io.WriteString(w, "media "+r.Host)
	}))
	defer media.Close()
	_, port, _ := net.SplitHostPort(media.Listener.Addr().String())
	p := mustPolicy(t, &testResolver{names: map[string][]string{"media.test": {"127.0.0.1"}}}, "media.test")
	x := startProxy(t, p)
	c := proxied(t, x, nil)

	if code, body := get(t, c, "http://media.test:"+port+"/live.flv"); code != 200 || body != "media media.test:"+port {
		t.Errorf("allowed: %d %q", code, body)
	}
	if x.Refused() != nil {
		t.Errorf("refusal recorded: %v", x.Refused())
	}
	// The redirect is followed by the client, through the proxy, and the
	// proxy refuses its loopback target.
	if code, _ := get(t, c, "http://media.test:"+port+"/redirect"); code != http.StatusForbidden {
		t.Errorf("redirect to loopback: %d, want 403", code)
	}
	if code, _ := get(t, c, target.URL); code != http.StatusForbidden {
		t.Errorf("loopback: %d, want 403", code)
	}
	if secret.Load() {
		t.Error("the loopback target was reached")
	}
	if err := x.Refused(); !errors.Is(err, ErrRefused) {
		t.Errorf("Refused() = %v", err)
	}
}

func TestProxyTunnelsTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "tls "+r.TLS.ServerName)
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	conf := srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	p := mustPolicy(t, &testResolver{names: map[string][]string{"example.com": {"127.0.0.1"}}}, "example.com")
	x := startProxy(t, p)
	// httptest's certificate is for example.com: SNI and verification go
	// end to end through the tunnel.
	if code, body := get(t, proxied(t, x, conf), "https://example.com:"+port+"/"); code != 200 || body != "tls example.com" {
		t.Errorf("tunnel: %d %q", code, body)
	}
	_, err := proxied(t, x, conf).Get(srv.URL) // https://127.0.0.1:port
	if err == nil {
		t.Error("tunnel to a loopback address opened")
	}
	if !errors.Is(x.Refused(), ErrRefused) {
		t.Errorf("Refused() = %v", x.Refused())
	}
}

func TestProxyConnectFailureIsRecorded(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	x := startProxy(t, mustPolicy(t, nil, "127.0.0.1/32"))
	if code, _ := get(t, proxied(t, x, nil), "http://"+closed+"/"); code != http.StatusBadGateway {
		t.Errorf("closed port: %d, want 502", code)
	}
	if err := x.LastFailure(); !IsConnectFailure(err) {
		t.Errorf("LastFailure() = %v", err)
	}
	if x.Refused() != nil {
		t.Errorf("Refused() = %v", x.Refused())
	}
}

// TestProxyCloseCutsTunnels: Close returns with an open tunnel cut and no
// goroutine left.
func TestProxyCloseCutsTunnels(t *testing.T) {
	up, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	go func() {
		c, err := up.Accept()
		if err == nil {
			defer c.Close()
			_, _ = io.Copy(io.Discard, c) // holds the tunnel open
		}
	}()
	settled := testutil.LeakCheck(t, 1) // 1: the upstream reader
	x, err := mustPolicy(t, nil, "127.0.0.1/32").StartProxy()
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", x.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = io.WriteString(c, "CONNECT "+up.Addr().String()+" HTTP/1.1\r\nHost: "+up.Addr().String()+"\r\n\r\n")
	buf := make([]byte, 64)
	if n, err := c.Read(buf); err != nil || string(buf[:12]) != "HTTP/1.1 200" {
		t.Fatalf("CONNECT: %q %v", buf[:n], err)
	}
	done := make(chan error)
	go func() { done <- x.Close() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hangs with a tunnel open")
	}
	if _, err := c.Read(buf); err == nil {
		t.Error("tunnel still open after Close")
	}
	settled()
}
