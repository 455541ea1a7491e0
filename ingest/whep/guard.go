package whep

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/internal/netguard"
)

// ErrRefused is wrapped when the outbound address policy refuses the
// endpoint, a redirect, the session resource or every ICE candidate of the
// answer (it is netguard.ErrRefused).
var ErrRefused = netguard.ErrRefused

// ErrUnreachable is the one neutral error for an endpoint that could not
// be reached: refused, timed out, reset, no route (ingest.ErrUnreachable).
var ErrUnreachable = ingest.ErrUnreachable

// checkEndpoint resolves and checks the endpoint's host before any WebRTC
// state is built. The HTTP client checks again at every dial.
// It returns the endpoint's addresses, which its ICE candidates may use
// too (see filterCandidates).
func (s *Source) checkEndpoint(ctx context.Context) ([]netip.Addr, error) {
	addrs, err := s.guard.Resolve(ctx, s.endpoint.Hostname())
	switch {
	case err == nil || errors.Is(err, netguard.ErrRefused):
		return addrs, err
	case errors.Is(err, netguard.ErrBadHost):
		return nil, fmt.Errorf("%w: %v", ErrBadURL, err)
	}
	s.log.Debug("whep: resolving the endpoint", "err", err)
	return nil, fmt.Errorf("%w: could not resolve %s", ErrUnreachable, s.endpoint.Hostname())
}

// httpErr turns a failed request into what Run shows: a refusal as is,
// a request that got no answer (refused, reset, closed, timed out, TLS
// failed) as the neutral ErrUnreachable (the detail, which would tell an
// open port from a closed one, goes to the debug log).
func (s *Source) httpErr(what string, err error) error {
	if errors.Is(err, netguard.ErrRefused) || errors.Is(err, context.Canceled) {
		return fmt.Errorf("%s: %w", what, err)
	}
	if netguard.IsConnectFailure(err) {
		s.log.Debug("whep: could not connect", "request", what, "err", err)
		return ErrUnreachable
	}
	return fmt.Errorf("%s: %w", what, err)
}

// filterCandidates drops the answer's ICE candidates whose address the
// policy refuses, so that pion never sends a STUN check there: a WHEP
// server would otherwise choose where this host sends UDP. Candidates
// named by host name (mDNS .local, FQDN) are dropped too: they would be
// resolved outside the policy. A candidate on one of the endpoint's own
// addresses is kept (the endpoint passed the policy, perhaps by a listed
// name). It fails if no candidate is left.
func (s *Source) filterCandidates(answer string, endpoint []netip.Addr) (string, error) {
	lines := strings.SplitAfter(answer, "\n")
	out := lines[:0:0]
	kept, dropped := 0, 0
	var refusal error
	for _, l := range lines {
		addr, ok := candidateAddr(l)
		if !ok {
			out = append(out, l)
			continue
		}
		ip, err := netip.ParseAddr(addr)
		switch {
		case err == nil && slices.Contains(endpoint, ip.WithZone("").Unmap()):
		case err == nil:
			err = s.guard.CheckAddr(ip)
		default:
			err = fmt.Errorf("%w: candidate host name %q", netguard.ErrRefused, addr)
		}
		if err != nil {
			dropped++
			if refusal == nil {
				refusal = err
			}
			continue
		}
		kept++
		out = append(out, l)
	}
	if dropped > 0 {
		s.log.Debug("whep: dropped ICE candidates the policy refuses", "dropped", dropped, "kept", kept, "first", refusal)
	}
	if kept == 0 && dropped > 0 {
		return "", fmt.Errorf("no ICE candidate of the answer is allowed: %w", refusal)
	}
	return strings.Join(out, ""), nil
}

// candidateAddr returns the connection address of an "a=candidate:" line
// (RFC 8839 section 5.1: foundation component transport priority address
// port "typ" type ...).
func candidateAddr(line string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimRight(line, "\r\n"), "a=candidate:")
	if !ok {
		return "", false
	}
	f := strings.Fields(rest)
	if len(f) < 6 {
		return "", true // malformed: treated as an unusable name
	}
	return f[4], true
}
