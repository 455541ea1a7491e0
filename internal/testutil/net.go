package testutil

import (
	"net"
	"strconv"
	"testing"
)

// FreePort returns a port on 127.0.0.1 that was free for network ("tcp"
// or "udp") a moment ago, for a far end (ffmpeg, a restarted service)
// that must be told its address before it listens. Where the code under
// test can listen on port 0 and report the address, prefer that.
func FreePort(t testing.TB, network string) string {
	t.Helper()
	switch network {
	case "udp":
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return strconv.Itoa(c.LocalAddr().(*net.UDPAddr).Port)
	case "tcp":
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	}
	t.Fatalf("FreePort: network %q, want tcp or udp", network)
	return ""
}
