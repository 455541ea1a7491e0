package testnet

import (
	"net"
	"os/exec"
	"strings"
	"testing"
)

// TestNewNamespace: the peer address is inside the namespace, the host
// address outside, and a TCP listener on the host side is reachable from
// inside (the path the GStreamer tests use).
func TestNewNamespace(t *testing.T) {
	n := NewNamespace(t)
	out, err := exec.Command("ip", "netns", "exec", n.Name, "ip", "-o", "addr").CombinedOutput()
	if err != nil || !strings.Contains(string(out), n.PeerIP+"/30") {
		t.Fatalf("peer address %s not in namespace %s: %v\n%s", n.PeerIP, n.Name, err, out)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(n.HostIP, "0"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			_, _ = c.Write([]byte("ok"))
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	out, err = exec.Command("ip", "netns", "exec", n.Name, DebianPython, "-c",
		"import socket; s=socket.create_connection(('"+n.HostIP+"',"+port+"),5); print(s.recv(2).decode())").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("connect from namespace: %v\n%s", err, out)
	}
}
