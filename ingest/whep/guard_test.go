package whep

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
	"time"

	"github.com/earshot/earshot/internal/netguard"
	"github.com/earshot/earshot/internal/testnet"
	"github.com/earshot/earshot/internal/testutil"
)

// counting wraps a handler and counts the requests it saw.
func counting(h http.Handler) (http.Handler, *atomic.Int32) {
	var n atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1); h.ServeHTTP(w, r) }), &n
}

// TestEndpointPolicy: by default a WHEP endpoint on loopback, by address,
// as localhost or by a name resolving to it, is refused before any
// request; listed, it plays.
func TestEndpointPolicy(t *testing.T) {
	h, hits := counting(newFake(t))
	srv := httptest.NewServer(h)
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	for _, u := range []string{srv.URL + "/whep", "http://localhost:" + port + "/whep", "http://media.test:" + port + "/whep",
		"http://[::ffff:127.0.0.1]:" + port + "/whep", "http://169.254.169.254/whep", "https://10.0.0.8/whep"} {
		src, err := New(u, Options{Guard: testnet.Policy(t)})
		if err != nil {
			t.Fatal(err)
		}
		err = src.Run(context.Background(), (&recorder{}).emit)
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "ingest.allow_hosts") {
			t.Errorf("%s: got %v, want a refusal naming ingest.allow_hosts", u, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
	// Listed by name, its loopback ICE candidates are the endpoint's own
	// address and are kept.
	src, err := New("http://media.test:"+port+"/whep", Options{Guard: testnet.Policy(t, testnet.MediaName)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rec := &recorder{}
	if err := src.Run(ctx, rec.emit); err != nil || len(rec.pcm) == 0 {
		t.Fatalf("listed endpoint: %v, %d samples", err, len(rec.pcm))
	}
}

// TestRedirectToLoopbackRefused: an allowed endpoint answers 307 to a
// loopback address; the POST is never sent there.
func TestRedirectToLoopbackRefused(t *testing.T) {
	h, hits := counting(newFake(t))
	internal := httptest.NewServer(h)
	defer internal.Close()
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, internal.URL+"/whep", http.StatusTemporaryRedirect)
	}))
	defer redirector.Close()
	_, port, _ := net.SplitHostPort(redirector.Listener.Addr().String())
	src, err := New("http://media.test:"+port+"/whep", Options{Guard: testnet.Policy(t, testnet.MediaName)})
	if err != nil {
		t.Fatal(err)
	}
	err = src.Run(context.Background(), (&recorder{}).emit)
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("got %v, want a refusal of 127.0.0.1", err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests reached the loopback server", n)
	}
}

// TestConnectErrorsAreNeutral: closed, hanging-up and silent ports read
// the same.
func TestConnectErrorsAreNeutral(t *testing.T) {
	serve := func(f func(net.Conn)) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go f(c)
			}
		}()
		return ln.Addr().String()
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln.Addr().String()
	ln.Close()
	ports := map[string]string{
		"closed": closed,
		"hangup": serve(func(c net.Conn) { c.Close() }),
		"silent": serve(func(c net.Conn) { defer c.Close(); _, _ = io.Copy(io.Discard, c) }),
	}
	for name, addr := range ports {
		src, err := New("http://"+addr+"/whep", Options{Guard: loopback, HTTPClient: loopback.HTTPClient(time.Second),
			Logger: testutil.Quiet()})
		if err != nil {
			t.Fatal(err)
		}
		err = src.Run(context.Background(), (&recorder{}).emit)
		if got := strings.TrimPrefix(errString(err), src.Describe()+": "); got != "could not connect to the source" || !errors.Is(err, ErrUnreachable) {
			t.Errorf("%s: %q, want the neutral message", name, got)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestFilterCandidates(t *testing.T) {
	answer := strings.Join([]string{
		"v=0", "m=audio 9 UDP/TLS/RTP/SAVPF 111",
		"a=candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host",
		"a=candidate:2 1 udp 2130706431 10.0.0.5 5000 typ host",
		"a=candidate:3 1 udp 2130706431 169.254.169.254 80 typ host",
		"a=candidate:4 1 udp 1694498815 93.184.216.34 5000 typ srflx raddr 0.0.0.0 rport 0",
		"a=candidate:5 1 udp 2130706431 abcd.local 5000 typ host",
		"a=candidate:6 1 udp 2130706431 ::ffff:127.0.0.1 5000 typ host",
		"a=candidate:bad",
		"a=end-of-candidates", "",
	}, "\r\n")
	tests := []struct {
		name     string
		policy   *netguard.Policy
		endpoint []netip.Addr
		want     []string // candidate foundations kept
	}{
		{"default", testnet.Policy(t), nil, []string{"4"}},
		{"loopback listed", loopback, nil, []string{"1", "4", "6"}},
		{"endpoint's own address", testnet.Policy(t, testnet.MediaName), []netip.Addr{netip.MustParseAddr("10.0.0.5")}, []string{"2", "4"}},
	}
	for _, tc := range tests {
		src, _ := New("http://media.test/whep", Options{Guard: tc.policy})
		got, err := src.filterCandidates(answer, tc.endpoint)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var kept []string
		for _, l := range strings.Split(got, "\r\n") {
			if f, ok := strings.CutPrefix(l, "a=candidate:"); ok {
				kept = append(kept, strings.Fields(f)[0])
			}
		}
		if strings.Join(kept, ",") != strings.Join(tc.want, ",") || !strings.Contains(got, "a=end-of-candidates\r\n") {
			t.Errorf("%s: kept %v, want %v\n%s", tc.name, kept, tc.want, got)
		}
	}
	src, _ := New("http://media.test/whep", Options{Guard: testnet.Policy(t)})
	if _, err := src.filterCandidates("v=0\r\na=candidate:1 1 udp 1 127.0.0.1 9 typ host\r\n", nil); !errors.Is(err, ErrRefused) {
		t.Errorf("only loopback candidates: got %v, want a refusal", err)
	}
}
