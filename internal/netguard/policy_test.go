package netguard

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
)

// testResolver answers from a table, so tests can make a name resolve to
// loopback without DNS or /etc/hosts. A name with several answers in
// seq gives the next one per lookup (DNS rebinding).
type testResolver struct {
	mu    sync.Mutex
	names map[string][]string
	seq   map[string][][]string
	calls map[string]int
}

func (r *testResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.calls == nil {
		r.calls = map[string]int{}
	}
	n := r.calls[host]
	r.calls[host]++
	list, ok := r.names[host]
	if s, has := r.seq[host]; has {
		list, ok = s[min(n, len(s)-1)], true
	}
	if !ok {
		return net.DefaultResolver.LookupNetIP(context.Background(), "ip", host)
	}
	var out []netip.Addr
	for _, a := range list {
		out = append(out, netip.MustParseAddr(a))
	}
	return out, nil
}

func mustPolicy(t testing.TB, r Resolver, allow ...string) *Policy {
	t.Helper()
	p, err := New(Options{Allow: allow, Setting: "ingest.allow_hosts", Resolver: r})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckAddrDefaults(t *testing.T) {
	p := mustPolicy(t, nil)
	tests := []struct {
		addr  string
		class string // "" means allowed
	}{
		{"127.0.0.1", "loopback"},
		{"127.8.9.10", "loopback"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "loopback"},
		{"10.0.0.1", "private"},
		{"172.16.5.4", "private"},
		{"172.31.255.255", "private"},
		{"192.168.1.1", "private"},
		{"::ffff:192.168.1.1", "private"},
		{"fc00::1", "private"},
		{"fd12:3456::1", "private"},
		{"169.254.169.254", "link-local (cloud metadata)"},
		{"169.254.1.1", "link-local"},
		{"fe80::1", "link-local"},
		{"0.0.0.0", "unspecified"},
		{"::", "unspecified"},
		{"0.1.2.3", "special-purpose"},
		{"224.0.0.1", "multicast"},
		{"239.1.1.1", "multicast"},
		{"ff02::1", "multicast"},
		{"100.64.0.1", "shared (CGNAT)"},
		{"100.127.255.254", "shared (CGNAT)"},
		{"198.18.0.1", "special-purpose"},
		{"192.0.2.1", "special-purpose"},
		{"255.255.255.255", "special-purpose"},
		{"64:ff9b::7f00:1", "special-purpose"}, // NAT64 form of 127.0.0.1
		{"2002:7f00:1::1", "special-purpose"},  // 6to4 form of 127.0.0.1
		{"::127.0.0.1", "special-purpose"},     // IPv4-compatible
		{"2001:db8::1", "special-purpose"},
		{"8.8.8.8", ""},
		{"93.184.216.34", ""},
		{"172.32.0.1", ""},
		{"100.128.0.1", ""},
		{"::ffff:8.8.8.8", ""},
		{"2606:4700::1111", ""},
	}
	for _, tc := range tests {
		err := p.CheckAddr(netip.MustParseAddr(tc.addr))
		if tc.class == "" {
			if err != nil {
				t.Errorf("%s: refused: %v", tc.addr, err)
			}
			continue
		}
		var re *RefusedError
		if !errors.As(err, &re) || !errors.Is(err, ErrRefused) {
			t.Errorf("%s: got %v, want a refusal", tc.addr, err)
			continue
		}
		if re.Class != tc.class || !strings.Contains(err.Error(), "ingest.allow_hosts") {
			t.Errorf("%s: class %q (%v), want %q and the setting named", tc.addr, re.Class, err, tc.class)
		}
	}
}

func TestAllowList(t *testing.T) {
	p := mustPolicy(t, nil, "127.0.0.1/32", " 10.2.0.0/16 ", "fd00::5", "::ffff:192.168.7.0/120")
	for addr, allowed := range map[string]bool{
		"127.0.0.1": true, "::ffff:127.0.0.1": true, "127.0.0.2": false, "::1": false,
		"10.2.3.4": true, "10.3.0.1": false, "fd00::5": true, "fd00::6": false,
		"192.168.7.9": true, "192.168.8.1": false, "8.8.8.8": true,
	} {
		if err := p.CheckAddr(netip.MustParseAddr(addr)); (err == nil) != allowed {
			t.Errorf("%s: err %v, want allowed=%v", addr, err, allowed)
		}
	}
}

func TestNewRejectsBadEntries(t *testing.T) {
	for _, e := range []string{"", "10.0.0.0/33", "media.example.com:8080", "*.", "*", "http://x", "2130706433",
		"127.1", "a..b", "-a.com", "fe80::1%eth0", "x/y", "bad host"} {
		_, err := New(Options{Allow: []string{"ok.example.com", e}, Setting: "ingest.allow_hosts"})
		if err == nil {
			t.Errorf("%q accepted", e)
			continue
		}
		if !strings.Contains(err.Error(), "ingest.allow_hosts[1]") {
			t.Errorf("%q: error %q does not name the entry", e, err)
		}
	}
}

func TestResolveChecksEveryAddress(t *testing.T) {
	r := &testResolver{names: map[string][]string{
		"public.test":  {"93.184.216.34", "2606:2800:220:1::1"},
		"loop.test":    {"127.0.0.1"},
		"mixed.test":   {"93.184.216.34", "127.0.0.1"},
		"mapped.test":  {"::ffff:10.0.0.1"},
		"meta.test":    {"169.254.169.254"},
		"media.test":   {"127.0.0.1"},
		"a.cdn.test":   {"10.9.9.9"},
		"cdn.test":     {"10.9.9.9"},
		"a.b.cdn.test": {"10.9.9.8"},
	}}
	p := mustPolicy(t, r, "media.test", "*.cdn.test")
	tests := []struct {
		host string
		want error // nil: allowed
	}{
		{"public.test", nil},
		{"PUBLIC.test.", nil},
		{"loop.test", ErrRefused},
		{"mixed.test", ErrRefused},
		{"mapped.test", ErrRefused},
		{"meta.test", ErrRefused},
		{"media.test", nil},
		{"a.cdn.test", nil},
		{"a.b.cdn.test", nil},
		{"cdn.test", ErrRefused},
		{"127.0.0.1", ErrRefused},
		{"[::1]", ErrRefused},
		{"2130706433", ErrBadHost},
		{"127.1", ErrBadHost},
		{"0x7f.1", ErrBadHost},
		{"bad_host!", ErrBadHost},
		{"foo.localhost", ErrRefused},
	}
	for _, tc := range tests {
		_, err := p.Resolve(context.Background(), tc.host)
		if (tc.want == nil) != (err == nil) || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.host, err, tc.want)
		}
	}
	_, err := p.Resolve(context.Background(), "loop.test")
	if want := "loop.test resolves to 127.0.0.1, a loopback address"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("message %q lacks %q", err, want)
	}
}

// TestLocalhostRefused uses the system resolver: "localhost" comes from
// /etc/hosts as loopback, in whichever form.
func TestLocalhostRefused(t *testing.T) {
	_, err := Default().Resolve(context.Background(), "localhost")
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("localhost: got %v, want a refusal", err)
	}
}

func TestCheckURL(t *testing.T) {
	p := mustPolicy(t, &testResolver{names: map[string][]string{"cam.test": {"192.168.0.20"}}})
	for raw, want := range map[string]error{
		"rtmp://127.0.0.1/live/x":         ErrRefused,
		"whep+https://[::1]:8443/whep/r1": ErrRefused,
		"srt://cam.test:9000?streamid=a":  ErrRefused,
		"http://93.184.216.34/x.m3u8":     nil,
		"rtsp:///x":                       ErrBadHost,
		"http://2130706433/":              ErrBadHost,
		"rtmp://93.184.216.34:99999/live": ErrBadPort,
		"http://93.184.216.34:0/x.m3u8":   ErrBadPort,
	} {
		if err := p.CheckURL(context.Background(), raw); (want == nil) != (err == nil) || want != nil && !errors.Is(err, want) {
			t.Errorf("%s: got %v, want %v", raw, err, want)
		}
	}
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	if _, err := d.Dial("tcp", addr); !errors.Is(err, ErrRefused) {
		t.Errorf("dialer with Control reached %s: %v", addr, err)
	}
}

// FuzzNew: any entry is accepted or refused with an error, never a
// panic; an accepted name entry never opens an address.
func FuzzNew(f *testing.F) {
	for _, s := range []string{"10.0.0.0/8", "*.example.com", "media.example.com", "::ffff:1.2.3.4/120", "[::1]", "1.2.3.4", "*.0x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, entry string) {
		p, err := New(Options{Allow: []string{entry}})
		if err != nil {
			return
		}
		if len(p.prefixes) == 0 && p.CheckAddr(netip.MustParseAddr("127.0.0.1")) == nil {
			t.Fatalf("name entry %q allowed 127.0.0.1", entry)
		}
	})
}
