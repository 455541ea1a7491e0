package testnet

import (
	"bufio"
	"bytes"
	"net"
	"net/netip"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/earshot/earshot/internal/netguard"
)

// TCPServer accepts connections on addr ("127.0.0.1:0") until the test
// ends, hands each to serve in its own goroutine and counts them, so that
// a test can assert a far end was never reached. It returns the address.
func TCPServer(t testing.TB, addr string, serve func(net.Conn)) (string, *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var n atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			go serve(c)
		}
	}()
	return ln.Addr().String(), &n
}

// MediaName is a host name that Policy resolves to 127.0.0.1, as a public
// name could be made to by whoever controls its DNS.
const MediaName = "media.test"

// Policy is an outbound address policy listing allow (as
// ingest.allow_hosts would) whose resolver maps MediaName to 127.0.0.1
// and asks the system for every other name.
func Policy(t testing.TB, allow ...string) *netguard.Policy {
	t.Helper()
	p, err := netguard.New(netguard.Options{Allow: allow, Setting: "ingest.allow_hosts",
		Resolver: netguard.StaticResolver{
			Names: map[string][]netip.Addr{MediaName: {netip.MustParseAddr("127.0.0.1")}},
			Next:  net.DefaultResolver,
		}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Loopback is a policy that allows 127.0.0.1, for tests whose far ends
// run there (the default policy refuses loopback).
func Loopback() *netguard.Policy {
	p, err := netguard.New(netguard.Options{Allow: []string{"127.0.0.1/32"}})
	if err != nil {
		panic(err)
	}
	return p
}

// Output is a process's standard error, safe to read while it runs.
type Output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// StartReady starts a test server process that prints "ready" on its
// standard output once it serves, waits for that line, and kills it when
// the test ends. It returns the process's standard error.
func StartReady(t testing.TB, cmd *exec.Cmd) *Output {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &Output{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "ready\n" {
		t.Fatalf("%s did not start: %q %s", cmd.Args[0], line, stderr)
	}
	return stderr
}
