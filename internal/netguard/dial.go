package netguard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strconv"
	"syscall"
	"time"
)

// DialContext connects like net.Dialer.DialContext, for "tcp" and "udp"
// networks (and their 4/6 forms), to an address the policy allows. The
// host is resolved once (Resolve); the dialer then connects to the checked
// addresses themselves, and its Control hook refuses any other address,
// so a second DNS answer can never be used.
func (p *Policy) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	switch network {
	case "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6":
	default:
		return nil, fmt.Errorf("netguard: network %q: only tcp and udp are dialed", network)
	}
	host, portStr, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("netguard: %w", err)
	}
	port, err := p.port(ctx, network, portStr)
	if err != nil {
		return nil, err
	}
	addrs, listed, err := p.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	addrs = slices.DeleteFunc(addrs, func(a netip.Addr) bool {
		return network[len(network)-1] == '4' && !a.Is4() || network[len(network)-1] == '6' && !a.Is6()
	})
	if len(addrs) == 0 {
		return nil, fmt.Errorf("netguard: %s has no %s address", host, network)
	}
	d := &net.Dialer{Timeout: p.timeout, Control: p.pinned(addrs, listed)}
	var firstErr error
	for _, a := range addrs {
		c, err := d.DialContext(ctx, network, netip.AddrPortFrom(a, port).String())
		if err == nil {
			return c, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		if ctx.Err() != nil || errors.Is(err, ErrRefused) {
			break
		}
	}
	return nil, firstErr
}

func (p *Policy) port(ctx context.Context, network, s string) (uint16, error) {
	if n, err := strconv.ParseUint(s, 10, 16); err == nil {
		return uint16(n), nil
	}
	n, err := net.DefaultResolver.LookupPort(ctx, network, s)
	if err != nil || n < 0 || n > 65535 {
		return 0, fmt.Errorf("netguard: port %q: %v", s, err)
	}
	return uint16(n), nil
}

// pinned is the Control hook of one DialContext call: the address being
// dialed must be one of those resolved and checked for this call.
func (p *Policy) pinned(addrs []netip.Addr, listed bool) func(string, string, syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("netguard: dialing %q: %w", address, err)
		}
		ip := ap.Addr().WithZone("").Unmap()
		if !slices.Contains(addrs, ip) {
			return fmt.Errorf("netguard: dialing %s, which was not checked: %w", ip, ErrRefused)
		}
		if listed {
			return nil
		}
		return p.checkAddr("", ip)
	}
}

// Control is a net.Dialer Control hook for dialers built elsewhere: it
// checks the address actually being dialed (CheckAddr; listed host names
// cannot apply, the hook sees no name).
func (p *Policy) Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("netguard: dialing %q: %w", address, err)
	}
	return p.CheckAddr(ap.Addr())
}

// maxRedirects bounds the redirects an HTTPClient follows.
const maxRedirects = 5

// HTTPClient returns a client whose every connection goes through
// DialContext (so every redirect's target is checked when it is dialed),
// that ignores proxy settings in the environment, follows at most 5
// redirects and only to http and https URLs. timeout bounds a whole
// request; 0 means none.
func (p *Policy) HTTPClient(timeout time.Duration) *http.Client {
	return &http.Client{Transport: p.Transport(), Timeout: timeout, CheckRedirect: checkRedirect}
}

// Transport is an http.Transport dialing through DialContext, with no
// proxy.
func (p *Policy) Transport() *http.Transport {
	return &http.Transport{
		Proxy:                 nil, // never judge a proxy instead of the far end
		DialContext:           p.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	if s := req.URL.Scheme; s != "http" && s != "https" {
		return fmt.Errorf("%w: redirect to a %q URL", ErrRefused, s)
	}
	return nil
}

// IsConnectFailure reports whether err means the far end could not be
// reached or dropped the connection before answering: refused, reset,
// unreachable, timed out, or closed. Callers show one neutral message for
// all of them, so that errors cannot tell an open port from a closed or
// filtered one. Policy refusals and cancellations are not connect
// failures.
func IsConnectFailure(err error) bool {
	if err == nil || errors.Is(err, ErrRefused) || errors.Is(err, context.Canceled) {
		return false
	}
	for _, e := range []error{syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED,
		syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.ETIMEDOUT, syscall.EPIPE,
		os.ErrDeadlineExceeded, context.DeadlineExceeded, io.EOF, io.ErrUnexpectedEOF} {
		if errors.Is(err, e) {
			return true
		}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	// An http.Client error means no response came (refused, reset, closed
	// before answering, TLS failed, ...): the same to the caller.
	var ue *url.Error
	if errors.As(err, &ue) || errors.Is(err, ErrNoAnswer) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// ErrNoAnswer is wrapped by the failures a Proxy records: the far end was
// dialed, or tried, and gave no HTTP answer.
var ErrNoAnswer = errors.New("the far end did not answer")
