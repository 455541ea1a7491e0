package testnet

import (
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
)

// DebianPython is the interpreter with GStreamer's Python bindings (gi);
// the python3 on PATH may lack them.
const DebianPython = "/usr/bin/python3"

// Namespace is a network namespace and the veth pair that joins it to the
// test's namespace, both ends on one private /30.
type Namespace struct {
	Name   string // for "ip netns exec Name ..."
	HostIP string // this side's address
	PeerIP string // the address inside the namespace
}

// NewNamespace builds a Namespace and removes it (and with it the pair)
// when the test ends. It needs root, ip(8) and a kernel that lets it
// build the namespace: without them the test is skipped, or fails under
// CI=true (testutil.Need).
func NewNamespace(t testing.TB) Namespace {
	t.Helper()
	testutil.NeedRoot(t, "creating a network namespace and veth pair")
	testutil.NeedTool(t, "ip") // package iproute2
	// One /30 per process and test, so packages testing in parallel and
	// tests in one process do not collide: 16384 subnets of 10.213/16 and
	// 10.214/16.
	h := fnv.New32a()
	fmt.Fprintf(h, "%d/%s", os.Getpid(), t.Name())
	id := h.Sum32() % 32768
	sub := 4 * (id % 64)
	prefix := fmt.Sprintf("10.%d.%d.", 213+id/16384, id/64%256)
	n := Namespace{
		Name:   fmt.Sprintf("earshot-test-%d", id),
		HostIP: prefix + fmt.Sprint(sub+1),
		PeerIP: prefix + fmt.Sprint(sub+2),
	}
	host, peer := fmt.Sprintf("est%dh", id), fmt.Sprintf("est%dn", id) // <= 15 bytes
	t.Cleanup(func() {
		_ = ip("netns", "del", n.Name) // removes the peer end, and with it the pair
		_ = ip("link", "del", host)    // in case the namespace was never made
	})
	for _, s := range [][]string{
		{"netns", "add", n.Name},
		{"link", "add", host, "type", "veth", "peer", "name", peer},
		{"link", "set", peer, "netns", n.Name},
		{"addr", "add", n.HostIP + "/30", "dev", host},
		{"link", "set", host, "up"},
		{"netns", "exec", n.Name, "ip", "addr", "add", n.PeerIP + "/30", "dev", peer},
		{"netns", "exec", n.Name, "ip", "link", "set", peer, "up"},
		{"netns", "exec", n.Name, "ip", "link", "set", "lo", "up"},
	} {
		if err := ip(s...); err != nil {
			testutil.Need(t, fmt.Errorf("cannot build the test network namespace: %w", err))
		}
	}
	return n
}

func ip(args ...string) error {
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("ip %v: %v: %s", args, err, out)
	}
	return nil
}

// NeedGStreamer checks that DebianPython has GStreamer with webrtcbin,
// opusenc, rtpopuspay and audiotestsrc; without them the test is skipped,
// or fails under CI=true (testutil.Need).
func NeedGStreamer(t testing.TB) {
	t.Helper()
	check := `import gi; gi.require_version("Gst","1.0"); gi.require_version("GstWebRTC","1.0"); ` +
		`from gi.repository import Gst; Gst.init(None); ` +
		`assert all(Gst.ElementFactory.find(e) for e in ("webrtcbin","opusenc","rtpopuspay","audiotestsrc"))`
	if out, err := exec.Command(DebianPython, "-c", check).CombinedOutput(); err != nil {
		testutil.Need(t, fmt.Errorf("GStreamer with webrtcbin and opusenc not usable from %s (python3-gst-1.0, gir1.2-gst-plugins-bad-1.0, gstreamer1.0-plugins-bad): %w\n%s", DebianPython, err, out))
	}
}
