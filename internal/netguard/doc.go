// Package netguard is earshot's outbound address policy: it decides which
// far ends the server may connect to on a client's say-so (pulled room
// sources today, webhook URLs later) and enforces that decision at the
// socket, not only on the URL string.
//
// By default every address a program on this host should not reach for an
// outside caller is refused: loopback, private (RFC 1918, ULA fc00::/7),
// link-local (including the 169.254.169.254 cloud metadata address),
// unspecified, multicast, shared CGNAT space (100.64.0.0/10),
// documentation and benchmarking ranges, IPv4-mapped, NAT64 and 6to4
// forms of those, and everything else in IANA's special-purpose registries
// (the list is code.dny.dev/ssrf's, generated from those registries). An
// operator opens exceptions with a list of host names (exact, or
// "*.example.com" for every name under example.com) and CIDRs, e.g. the
// config key ingest.allow_hosts: ["media.example.com", "10.2.0.0/16"].
// Public addresses are allowed.
//
// The check is applied to every address a name resolves to (one refused
// address refuses the name), and again in a net.Dialer Control hook on the
// address actually being dialed, which defeats DNS rebinding; HTTP clients
// re-check every redirect. For subprocesses that resolve and follow
// redirects themselves (ffmpeg), Proxy is an HTTP forward proxy that makes
// their HTTP and TLS connections through the same checked dialer.
//
// This package must never dial an address it has not checked, never
// follow a proxy from the environment (HTTP_PROXY would make the check
// judge the proxy instead of the far end), never resolve a name twice for
// one connection (the second answer could differ), and never depend on
// what the connection is for (no ingest, rooms or webhook specifics).
package netguard
