package netguard

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
)

// StaticResolver answers from a fixed table of names (lower case, no
// trailing dot) and refers every other name to Next (nil: not found). It
// lets a test make a name resolve to loopback without DNS or /etc/hosts.
type StaticResolver struct {
	Names map[string][]netip.Addr
	Next  Resolver
}

// LookupNetIP implements Resolver.
func (r StaticResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if addrs, ok := r.Names[strings.ToLower(strings.TrimSuffix(host, "."))]; ok {
		return addrs, nil
	}
	if r.Next != nil {
		return r.Next.LookupNetIP(ctx, network, host)
	}
	return nil, fmt.Errorf("lookup %s: no such host", host)
}
