//go:build linux

package whep

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
)

// TestPullsFromGStreamerWHEPServer pulls from a real, non-pion WebRTC
// peer: GStreamer's webrtcbin answering the WHEP offer (the script in
// testdata), running in a network namespace joined by a veth pair because
// GStreamer's ICE does not pair with loopback-only candidates.
func TestPullsFromGStreamerWHEPServer(t *testing.T) {
	if testing.Short() {
		t.Skip("real GStreamer test")
	}
	ns, peerIP := gstNamespace(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const token = "gst-secret"
	srv := exec.CommandContext(ctx, "ip", "netns", "exec", ns, "/usr/bin/python3",
		"testdata/gst_whep_server.py", peerIP, "8890", token, "20")
	stdout, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	srv.Stderr = &stderr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "ready\n" {
		_ = srv.Wait()
		t.Fatalf("server did not start: %q %s", line, stderr.String())
	}
	src, err := New("http://"+peerIP+":8890/whep", Options{Token: token})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var pcm []int16
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	err = src.Run(runCtx, func(c ingest.Chunk) error {
		mu.Lock()
		defer mu.Unlock()
		pcm = append(pcm, c.PCM...)
		if len(pcm) >= 3*ingest.SampleRate {
			stop()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: %v\nserver: %s", err, stderr.String())
	}
	// The DELETE that Run sent on the way out ends the server.
	if err := srv.Wait(); err != nil {
		t.Errorf("server: %v\n%s", err, stderr.String())
	}
	if s := toneShare(pcm[ingest.SampleRate/2:], 440); s < 0.8 {
		t.Errorf("440 Hz share %.3f, want > 0.8", s)
	}
}

// gstNamespace skips unless root, ip(8) and GStreamer's webrtcbin are
// there, and builds a namespace joined by a veth pair (removed at the end).
func gstNamespace(t *testing.T) (ns, peerIP string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a network namespace and veth pair")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("ip(8) missing")
	}
	check := `import gi; gi.require_version("Gst","1.0"); gi.require_version("GstWebRTC","1.0"); ` +
		`from gi.repository import Gst; Gst.init(None); ` +
		`assert all(Gst.ElementFactory.find(e) for e in ("webrtcbin","opusenc","rtpopuspay","audiotestsrc"))`
	if out, err := exec.Command("/usr/bin/python3", "-c", check).CombinedOutput(); err != nil {
		t.Skipf("GStreamer webrtcbin not usable from /usr/bin/python3: %v\n%s", err, out)
	}
	id := os.Getpid()%50000 + 1
	ns = fmt.Sprintf("earshot-whep-%d", id)
	host, peer := fmt.Sprintf("esw%dh", id), fmt.Sprintf("esw%dn", id)
	net := fmt.Sprintf("10.214.%d.%d", id/64%256, 4*(id%64))
	hostIP := net[:strings.LastIndex(net, ".")+1] + fmt.Sprint(4*(id%64)+1)
	peerIP = net[:strings.LastIndex(net, ".")+1] + fmt.Sprint(4*(id%64)+2)
	ip := func(args ...string) error {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("ip %v: %v: %s", args, err, out)
		}
		return nil
	}
	t.Cleanup(func() { _ = ip("netns", "del", ns); _ = ip("link", "del", host) })
	for _, s := range [][]string{
		{"netns", "add", ns},
		{"link", "add", host, "type", "veth", "peer", "name", peer},
		{"link", "set", peer, "netns", ns},
		{"addr", "add", hostIP + "/30", "dev", host},
		{"link", "set", host, "up"},
		{"netns", "exec", ns, "ip", "addr", "add", peerIP + "/30", "dev", peer},
		{"netns", "exec", ns, "ip", "link", "set", peer, "up"},
		{"netns", "exec", ns, "ip", "link", "set", "lo", "up"},
	} {
		if err := ip(s...); err != nil {
			t.Skipf("cannot build the test network namespace: %v", err)
		}
	}
	return ns, peerIP
}
