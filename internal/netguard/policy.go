package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"code.dny.dev/ssrf"
)

// ErrRefused is wrapped by every refusal of the policy (a *RefusedError).
var ErrRefused = errors.New("refused by the outbound address policy")

// ErrBadHost is wrapped when a host is neither an IP address nor a
// well-formed name (e.g. "2130706433", which C resolvers read as
// 127.0.0.1).
var ErrBadHost = errors.New("bad host")

// ErrBadPort is wrapped when a URL's port is not 1 to 65535 (url.Parse
// takes any digits: such a source or endpoint would fail every connect).
var ErrBadPort = errors.New("not a port")

// Resolver looks names up; *net.Resolver is one. Tests pass their own to
// make a name resolve to loopback without touching /etc/hosts or DNS.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Options configure a Policy; the zero value refuses every special address.
type Options struct {
	// Allow lists the exceptions: host names ("media.example.com"),
	// wildcards ("*.example.com": any name under example.com, not
	// example.com itself), IP addresses and CIDRs ("10.2.0.0/16").
	Allow []string
	// Setting names where Allow comes from, for refusal messages; default
	// "the allow list".
	Setting string
	// Resolver defaults to net.DefaultResolver.
	Resolver Resolver
	// DialTimeout bounds each connection attempt; default 10 s.
	DialTimeout time.Duration
}

// Policy decides which far ends may be reached. It is safe for concurrent
// use and never changes after New.
type Policy struct {
	prefixes []netip.Prefix
	names    []string // exact, lower case, no trailing dot
	suffixes []string // ".example.com" for "*.example.com"
	setting  string
	resolver Resolver
	timeout  time.Duration
	deny     *ssrf.Guardian
}

// New parses opts.Allow; an entry it cannot read is an error naming it.
func New(opts Options) (*Policy, error) {
	p := &Policy{setting: opts.Setting, resolver: opts.Resolver, timeout: opts.DialTimeout,
		deny: ssrf.New(ssrf.WithAnyPort(), ssrf.WithAnyNetwork())}
	if p.setting == "" {
		p.setting = "the allow list"
	}
	if p.resolver == nil {
		p.resolver = net.DefaultResolver
	}
	if p.timeout <= 0 {
		p.timeout = 10 * time.Second
	}
	for i, e := range opts.Allow {
		if err := p.add(strings.TrimSpace(e)); err != nil {
			return nil, fmt.Errorf("%s[%d] %q: %w", p.setting, i, e, err)
		}
	}
	return p, nil
}

// Default refuses every special address and allows no exception.
func Default() *Policy {
	p, _ := New(Options{})
	return p
}

func (p *Policy) add(e string) error {
	if e == "" {
		return errors.New("empty entry")
	}
	if strings.Contains(e, "/") {
		pfx, err := netip.ParsePrefix(e)
		if err != nil {
			return fmt.Errorf("not a CIDR such as 10.2.0.0/16: %v", err)
		}
		p.prefixes = append(p.prefixes, unmapPrefix(pfx.Masked()))
		return nil
	}
	if ip, err := netip.ParseAddr(strings.Trim(e, "[]")); err == nil {
		if ip.Zone() != "" {
			return errors.New("an address with a zone cannot be listed")
		}
		ip = ip.Unmap()
		p.prefixes = append(p.prefixes, netip.PrefixFrom(ip, ip.BitLen()))
		return nil
	}
	if rest, ok := strings.CutPrefix(e, "*."); ok {
		name, err := normalName(rest)
		if err != nil {
			return fmt.Errorf("want *.example.com: %w", err)
		}
		p.suffixes = append(p.suffixes, "."+name)
		return nil
	}
	name, err := normalName(e)
	if err != nil {
		return fmt.Errorf("want a host name, *.domain, an IP address or a CIDR: %w", err)
	}
	p.names = append(p.names, name)
	return nil
}

// unmapPrefix turns ::ffff:10.0.0.0/104 into 10.0.0.0/8, so listing either
// form allows both.
func unmapPrefix(pfx netip.Prefix) netip.Prefix {
	if a := pfx.Addr(); a.Is4In6() && pfx.Bits() >= 96 {
		return netip.PrefixFrom(a.Unmap(), pfx.Bits()-96)
	}
	return pfx
}

// normalName checks a DNS host name and returns it in lower case without
// a trailing dot. A name whose last label is numeric is refused: C
// resolvers read "2130706433" or "127.1" as IPv4 addresses.
func normalName(h string) (string, error) {
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	if h == "" || len(h) > 253 {
		return "", fmt.Errorf("%w: %q is not a host name", ErrBadHost, h)
	}
	labels := strings.Split(h, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", fmt.Errorf("%w: %q is not a host name", ErrBadHost, h)
		}
		for _, c := range []byte(l) {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return "", fmt.Errorf("%w: %q is not a host name", ErrBadHost, h)
			}
		}
	}
	if last := labels[len(labels)-1]; strings.Trim(last, "0123456789") == "" ||
		strings.HasPrefix(last, "0x") && strings.Trim(last[2:], "0123456789abcdef") == "" {
		return "", fmt.Errorf("%w: %q looks like a number, not a host name", ErrBadHost, h)
	}
	return h, nil
}

// nameAllowed reports whether name (normalized) is listed.
func (p *Policy) nameAllowed(name string) bool {
	if slices.Contains(p.names, name) {
		return true
	}
	for _, s := range p.suffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// RefusedError says which host and address the policy refused and why.
type RefusedError struct {
	Host    string     // as the caller gave it
	Addr    netip.Addr // the refused address
	Class   string     // "loopback", "private", ...
	Setting string     // where exceptions are listed
}

func (e *RefusedError) Error() string {
	if e.Host == "" || e.Host == e.Addr.String() {
		return fmt.Sprintf("%v: %s is a %s address; to allow it, list it or a CIDR containing it in %s",
			ErrRefused, e.Addr, e.Class, e.Setting)
	}
	return fmt.Sprintf("%v: %s resolves to %s, a %s address; to allow it, list the host name or a CIDR containing the address in %s",
		ErrRefused, e.Host, e.Addr, e.Class, e.Setting)
}

// Is makes errors.Is(err, ErrRefused) true.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// CheckAddr allows ip if it is in a listed CIDR or is an ordinary public
// address. IPv4-mapped IPv6 addresses are judged as the IPv4 address.
func (p *Policy) CheckAddr(ip netip.Addr) error {
	return p.checkAddr("", ip)
}

func (p *Policy) checkAddr(host string, ip netip.Addr) error {
	ip = ip.WithZone("").Unmap()
	if !ip.IsValid() {
		return &RefusedError{Host: host, Addr: ip, Class: "invalid", Setting: p.setting}
	}
	for _, pfx := range p.prefixes {
		if pfx.Contains(ip) {
			return nil
		}
	}
	if err := p.deny.SafeAddr(ip); err != nil {
		return &RefusedError{Host: host, Addr: ip, Class: class(ip), Setting: p.setting}
	}
	return nil
}

var (
	cgnat    = netip.MustParsePrefix("100.64.0.0/10")
	metadata = netip.MustParseAddr("169.254.169.254")
)

// class names the kind of special address ip is, for messages.
func class(ip netip.Addr) string {
	switch {
	case ip.IsLoopback():
		return "loopback"
	case ip == metadata:
		return "link-local (cloud metadata)"
	case ip.IsLinkLocalUnicast():
		return "link-local"
	case ip.IsPrivate():
		return "private"
	case ip.IsUnspecified():
		return "unspecified"
	case ip.IsMulticast():
		return "multicast"
	case cgnat.Contains(ip):
		return "shared (CGNAT)"
	}
	return "special-purpose"
}

// Resolve returns the addresses host (a name, or an IP address with or
// without brackets) may be reached at. Every address the name resolves to
// must pass, unless the name is listed: one refused address refuses the
// name, so a name cannot smuggle 127.0.0.1 in beside a public address.
func (p *Policy) Resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	addrs, _, err := p.resolve(ctx, host)
	return addrs, err
}

// resolve also reports whether the name itself is listed.
func (p *Policy) resolve(ctx context.Context, host string) ([]netip.Addr, bool, error) {
	h := strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if ip, err := netip.ParseAddr(h); err == nil {
		if err := p.checkAddr(host, ip); err != nil {
			return nil, false, err
		}
		return []netip.Addr{ip.WithZone("").Unmap()}, false, nil
	}
	name, err := normalName(h)
	if err != nil {
		return nil, false, err
	}
	listed := p.nameAllowed(name)
	if !listed && (name == "localhost" || strings.HasSuffix(name, ".localhost")) {
		// Loopback by definition (RFC 6761), whatever a resolver says.
		return nil, false, &RefusedError{Host: host, Addr: netip.IPv6Loopback(), Class: "loopback", Setting: p.setting}
	}
	found, err := p.resolver.LookupNetIP(ctx, "ip", name)
	if err != nil {
		return nil, false, fmt.Errorf("could not resolve %s: %w", name, err)
	}
	addrs := make([]netip.Addr, 0, len(found))
	for _, a := range found {
		if a = a.WithZone("").Unmap(); a.IsValid() && !slices.Contains(addrs, a) {
			addrs = append(addrs, a)
		}
	}
	if len(addrs) == 0 {
		return nil, false, fmt.Errorf("could not resolve %s: no addresses", name)
	}
	if !listed {
		for _, a := range addrs {
			if err := p.checkAddr(host, a); err != nil {
				return nil, false, err
			}
		}
	}
	return addrs, listed, nil
}

// CheckURL resolves the host of rawURL (any scheme, e.g. rtmp:// or
// whep+https://) and checks it as Resolve does.
func (p *Policy) CheckURL(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadHost, err)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("%w: URL has no host", ErrBadHost)
	}
	if s := u.Port(); s != "" {
		if n, err := strconv.Atoi(s); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%w: port %s: want 1 to 65535", ErrBadPort, s)
		}
	}
	_, err = p.Resolve(ctx, u.Hostname())
	return err
}
