package ffmpeg

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strings"

	"github.com/earshot/earshot/internal/netguard"
)

// ErrRefused is wrapped when the outbound address policy refuses the
// source or a host it redirected to (it is netguard.ErrRefused).
var ErrRefused = netguard.ErrRefused

// run is one Run's view of the target after the policy check: what
// ffmpeg is given, and the proxy its HTTP and TLS connections go through.
//
// ffmpeg resolves names and follows redirects itself, so checking the URL
// is not enough. Per protocol:
//
//   - rtmp, srt: the host is resolved and checked here and ffmpeg
//     gets the checked address instead of the name, so it never resolves
//     anything (RTMP's tcUrl keeps the name, for servers that route by
//     it).
//
//   - http, https (HLS, HTTP-FLV), rtmps, rtsps: ffmpeg's HTTP and TLS
//     connections go through a netguard.Proxy (http_proxy), which checks
//     every connection, so redirects and playlist entries on other hosts
//     are checked as they are made, while TLS (SNI, certificates) and the
//     Host header stay end to end.
//
//   - rtsp: ffmpeg connects to a relay (rtspRelay) on loopback that dials
//     the source through the policy and cuts the connection at a 3xx
//     answer: ffmpeg 5.1 follows RTSP redirects itself and has no option
//     to stop it. Media is interleaved on the control connection
//     (-rtsp_transport tcp), so nothing else is dialed.
//
// What remains: an RTSPS server (its TLS is opaque to the proxy) could
// redirect to a plain rtsp:// URL, which ffmpeg would dial itself.
type run struct {
	input string   // the -i argument
	opts  []string // extra input options
	env   []string // ffmpeg's environment
	proxy *netguard.Proxy
	relay *rtspRelay
}

func (r *run) close() {
	if r.proxy != nil {
		_ = r.proxy.Close()
	}
	if r.relay != nil {
		r.relay.close()
	}
}

// lastFailure is the latest failed connection of the proxy or relay.
func (r *run) lastFailure() error {
	if r.proxy != nil {
		if err := r.proxy.LastFailure(); err != nil {
			return err
		}
	}
	if r.relay != nil {
		return r.relay.LastFailure()
	}
	return nil
}

// refused is the policy refusal the proxy or relay met, if any.
func (r *run) refused() error {
	if r.proxy != nil {
		if err := r.proxy.Refused(); err != nil {
			return err
		}
	}
	if r.relay != nil {
		return r.relay.Refused()
	}
	return nil
}

// proxyVars are environment variables that would route ffmpeg around
// (no_proxy) or away from (http_proxy) the checking proxy.
var proxyVars = []string{"http_proxy", "https_proxy", "all_proxy", "no_proxy"}

// prepare checks the target against the policy and pins it. Local files
// need nothing.
func (s *Source) prepare(ctx context.Context) (*run, error) {
	r := &run{input: s.t.input, env: cleanEnv()}
	if s.t.kind == kindFile {
		return r, nil
	}
	u, err := url.Parse(s.t.input)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadURL, err)
	}
	addrs, err := s.guard.Resolve(ctx, u.Hostname())
	switch {
	case errors.Is(err, netguard.ErrRefused):
		return nil, err
	case errors.Is(err, netguard.ErrBadHost):
		return nil, fmt.Errorf("%w: %v", ErrBadURL, err)
	case err != nil:
		s.log.Debug("ffmpeg: resolving the source", "err", err)
		return nil, fmt.Errorf("%w: could not resolve %s", ErrUnreachable, u.Hostname())
	}
	if s.t.kind == kindHTTP || u.Scheme == "rtmps" || u.Scheme == "rtsps" {
		px, err := s.guard.StartProxy()
		if err != nil {
			return nil, err
		}
		r.proxy = px
		r.env = append(r.env, "http_proxy="+px.URL())
		return r, nil
	}
	pinned := *u
	pinned.Host = hostPort(addrs[0], u.Port())
	if u.Scheme == "rtsp" {
		relay, err := startRTSPRelay(s.guard, net.JoinHostPort(u.Hostname(), cmp.Or(u.Port(), "554")))
		if err != nil {
			return nil, err
		}
		r.relay = relay
		pinned.Host = relay.addr()
	}
	r.input = pinned.String()
	if s.t.kind == kindRTMP && r.input != s.t.input {
		r.opts = []string{"-rtmp_tcurl", rtmpTCURL(u)}
	}
	return r, nil
}

func hostPort(ip netip.Addr, port string) string {
	if port == "" {
		if ip.Is6() {
			return "[" + ip.String() + "]"
		}
		return ip.String()
	}
	return net.JoinHostPort(ip.String(), port)
}

// cleanEnv is this process's environment without proxy settings.
func cleanEnv() []string {
	env := os.Environ()
	out := env[:0:0]
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		isProxy := false
		for _, p := range proxyVars {
			isProxy = isProxy || strings.EqualFold(name, p)
		}
		if !isProxy {
			out = append(out, kv)
		}
	}
	return out
}

// rtmpTCURL is the tcUrl ffmpeg would send for u ("rtmp://host:1935/app"),
// computed as ffmpeg 5.1's rtmp_open does, so that pinning the address
// does not change what the server sees.
func rtmpTCURL(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "1935"
	}
	return u.Scheme + "://" + net.JoinHostPort(u.Hostname(), port) + "/" + rtmpApp(u.RequestURI())
}

// rtmpApp extracts the application part of an RTMP path (with query) the
// way ffmpeg does: the first path element, or the first two when the
// second is not the start of the play path.
func rtmpApp(path string) string {
	if q := strings.IndexByte(path, '?'); q >= 0 && strings.Contains(path[q:], "slist=") {
		return path[1:q]
	}
	if strings.HasPrefix(path, "/ondemand/") {
		return "ondemand"
	}
	next := strings.TrimPrefix(path, "/")
	p := strings.IndexByte(next, '/')
	if p < 0 {
		return ""
	}
	rest := next[p+1:]
	colon, slash := strings.IndexByte(rest, ':'), strings.IndexByte(rest, '/')
	if slash < 0 || colon >= 0 && colon < slash {
		return next[:p]
	}
	return next[:p+1+slash]
}
