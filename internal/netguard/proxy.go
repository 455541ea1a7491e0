package netguard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"sync"
	"time"
)

// Proxy is an HTTP forward proxy on a loopback port that makes every
// connection through its Policy's DialContext. It is for subprocesses that
// resolve names and follow redirects themselves (ffmpeg reads http_proxy):
// plain HTTP requests are forwarded (redirects are passed back, so the
// client's next request is checked again), CONNECT tunnels carry TLS end
// to end (SNI, certificates and Host stay the client's).
//
// Refused and LastFailure tell the owner why a connection was not made, so
// that it can show a clear refusal, or a neutral message for a connect
// failure, instead of the client's generic error.
type Proxy struct {
	policy *Policy
	ln     net.Listener
	srv    *http.Server
	rp     *httputil.ReverseProxy
	slots  chan struct{}

	mu      sync.Mutex
	refused error
	failure error
	tunnels map[net.Conn]struct{}
	closed  bool
	serving sync.WaitGroup // the Serve loop
	active  sync.WaitGroup // handlers; Add only under mu while !closed
}

// maxTunnels bounds the connections one Proxy carries at once; a pull
// needs one or two.
const maxTunnels = 32

// StartProxy listens on 127.0.0.1 on a free port and serves until Close.
func (p *Policy) StartProxy() (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("netguard: proxy: %w", err)
	}
	x := &Proxy{policy: p, ln: ln, slots: make(chan struct{}, maxTunnels), tunnels: map[net.Conn]struct{}{}}
	tr := p.Transport()
	tr.DialContext = x.dial
	tr.DisableCompression = true // pass the client's Accept-Encoding through
	tr.ForceAttemptHTTP2 = false
	x.rp = &httputil.ReverseProxy{
		Rewrite:       func(pr *httputil.ProxyRequest) { pr.Out.Host = pr.In.Host },
		Transport:     tr,
		FlushInterval: -1, // live media: pass every write on at once
		ErrorHandler:  x.fail,
		ErrorLog:      log.New(io.Discard, "", 0),
	}
	x.srv = &http.Server{Handler: x, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	x.serving.Go(func() { _ = x.srv.Serve(ln) })
	return x, nil
}

// URL is the proxy's address as http_proxy wants it.
func (x *Proxy) URL() string { return "http://" + x.ln.Addr().String() }

// Refused returns the first connection the policy refused, or nil.
func (x *Proxy) Refused() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.refused
}

// LastFailure returns the latest connection that failed for another
// reason (refused by the far end, timed out, ...), or nil.
func (x *Proxy) LastFailure() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.failure
}

// Close stops the proxy, cuts every tunnel and waits for its goroutines.
func (x *Proxy) Close() error {
	x.mu.Lock()
	x.closed = true
	for c := range x.tunnels {
		_ = c.Close()
	}
	x.mu.Unlock()
	err := x.srv.Close() // cancels the requests being forwarded
	x.serving.Wait()
	x.active.Wait()
	return err
}

func (x *Proxy) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := x.policy.DialContext(ctx, network, addr)
	if err != nil {
		x.record(err)
	}
	return c, err
}

func (x *Proxy) record(err error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	switch {
	case errors.Is(err, ErrRefused):
		if x.refused == nil {
			x.refused = err
		}
	case !errors.Is(err, context.Canceled):
		x.failure = err
	}
}

// fail answers a request that could not be forwarded: 403 for a refusal,
// 502 for anything else. The client only learns that it failed; the owner
// learns why from Refused and LastFailure.
func (x *Proxy) fail(w http.ResponseWriter, _ *http.Request, err error) {
	if errors.Is(err, ErrRefused) {
		http.Error(w, "refused by the outbound address policy", http.StatusForbidden)
		return
	}
	x.record(fmt.Errorf("%w: %w", ErrNoAnswer, err))
	http.Error(w, "could not connect", http.StatusBadGateway)
}

func (x *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x.mu.Lock()
	if x.closed {
		x.mu.Unlock()
		http.Error(w, "proxy closed", http.StatusServiceUnavailable)
		return
	}
	x.active.Add(1)
	x.mu.Unlock()
	defer x.active.Done()
	select {
	case x.slots <- struct{}{}:
		defer func() { <-x.slots }()
	default:
		http.Error(w, "too many connections", http.StatusServiceUnavailable)
		return
	}
	switch {
	case r.Method == http.MethodConnect:
		x.tunnel(w, r)
	case r.URL.IsAbs() && r.URL.Scheme == "http":
		x.rp.ServeHTTP(w, r)
	default:
		http.Error(w, "this proxy forwards http:// requests and CONNECT only", http.StatusBadRequest)
	}
}

// tunnel serves CONNECT host:port: dial through the policy, then copy
// bytes both ways until either side closes.
func (x *Proxy) tunnel(w http.ResponseWriter, r *http.Request) {
	up, err := x.dial(r.Context(), "tcp", r.Host)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	defer up.Close()
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "cannot tunnel", http.StatusInternalServerError)
		return
	}
	down, brw, err := hj.Hijack()
	if err != nil {
		return
	}
	defer down.Close()
	if !x.track(down, up) {
		return
	}
	defer x.untrack(down, up)
	if _, err := io.WriteString(down, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		return
	}
	done := make(chan struct{}, 2)
	go func() {
		// Bytes the client sent right behind the CONNECT are in brw.
		_, _ = io.Copy(up, brw.Reader)
		done <- struct{}{}
	}()
	go func() {
		_, _ = io.Copy(down, up)
		done <- struct{}{}
	}()
	<-done
	_ = up.Close()
	_ = down.Close()
	<-done
}

func (x *Proxy) track(cs ...net.Conn) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return false
	}
	for _, c := range cs {
		x.tunnels[c] = struct{}{}
	}
	return true
}

func (x *Proxy) untrack(cs ...net.Conn) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, c := range cs {
		delete(x.tunnels, c)
	}
}
