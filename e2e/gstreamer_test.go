//go:build linux

package e2e

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/whip"
)

const debianPython = "/usr/bin/python3"

// TestGStreamerPublishesOverWHIP: GStreamer's webrtcbin, a WHIP publisher
// independent of pion and Chromium, publishes a 440 Hz tone to the WHIP
// server from inside a network namespace joined to this one by a veth
// pair (GStreamer's ICE does not pair with loopback-only candidates); the
// session's audio is the tone, and the publisher's DELETE ends Run with
// nil.
func TestGStreamerPublishesOverWHIP(t *testing.T) {
	if testing.Short() {
		t.Skip("real GStreamer test")
	}
	needGStreamer(t)
	hostIP, ns := vethNamespace(t)
	const room, token = "gst-anchor", "gst-token"
	sessions := make(chan *whip.Session, 1)
	srv, err := whip.New(whip.Config{
		Authorize: func(r *http.Request, _ string) error {
			if r.Header.Get("Authorization") != "Bearer "+token {
				return errors.New("bad token")
			}
			return nil
		},
		OnSession: func(_ string, s *whip.Session) { sessions <- s },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	hs := httptest.NewUnstartedServer(srv)
	ln, err := net.Listen("tcp", net.JoinHostPort(hostIP, "0"))
	if err != nil {
		t.Fatal(err)
	}
	hs.Listener = ln
	hs.Start()
	defer hs.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pub := exec.CommandContext(ctx, "ip", "netns", "exec", ns, debianPython, "testdata/gst_whip.py",
		hs.URL+"/whip/"+room, token, "4")
	pubOut := &lockedBuffer{}
	pub.Stdout, pub.Stderr = pubOut, pubOut
	if err := pub.Start(); err != nil {
		t.Fatal(err)
	}
	var sess *whip.Session
	select {
	case sess = <-sessions:
	case <-ctx.Done():
		_ = pub.Wait()
		t.Fatalf("no WHIP session; publisher said:\n%s", pubOut)
	}
	var pcm []int16
	runErr := sess.Run(ctx, func(c ingest.Chunk) error { pcm = append(pcm, c.PCM...); return nil })
	if err := pub.Wait(); err != nil {
		t.Errorf("publisher: %v\n%s", err, pubOut)
	}
	if runErr != nil {
		t.Fatalf("Run: %v (publisher said:\n%s)", runErr, pubOut)
	}
	secs := float64(len(pcm)) / ingest.SampleRate
	t.Logf("heard %.2fs from GStreamer, stats %+v", secs, sess.Stats())
	if secs < 2.5 {
		t.Fatalf("heard %.2fs, want about 4s", secs)
	}
	if s := toneShare440(pcm[len(pcm)/4 : 3*len(pcm)/4]); s < 0.8 {
		t.Errorf("440 Hz share %.3f, want > 0.8", s)
	}
}

// needGStreamer skips unless Debian's python3 has GStreamer with webrtcbin
// and opusenc, and the test runs as root with ip(8) (for the namespace).
func needGStreamer(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a network namespace and veth pair")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("ip(8) missing (iproute2)")
	}
	check := `import gi; gi.require_version("Gst","1.0"); gi.require_version("GstWebRTC","1.0"); ` +
		`from gi.repository import Gst; Gst.init(None); ` +
		`assert all(Gst.ElementFactory.find(e) for e in ("webrtcbin","opusenc","rtpopuspay","audiotestsrc"))`
	if out, err := exec.Command(debianPython, "-c", check).CombinedOutput(); err != nil {
		t.Skipf("GStreamer with webrtcbin and opusenc not usable from %s (python3-gst-1.0, gir1.2-gst-plugins-bad-1.0, gstreamer1.0-plugins-bad): %v\n%s", debianPython, err, out)
	}
}

// vethNamespace creates a network namespace joined to this one by a veth
// pair, both ends on a private /30, and removes both at the end of the
// test. It returns this side's address and the namespace's name.
func vethNamespace(t *testing.T) (hostIP, ns string) {
	t.Helper()
	id := os.Getpid() % 50000
	ns = fmt.Sprintf("earshot-gst-%d", id)
	host, peer := fmt.Sprintf("esg%dh", id), fmt.Sprintf("esg%dn", id)
	sub := 4 * (id % 64)
	hostIP = fmt.Sprintf("10.213.%d.%d", id/64%256, sub+1)
	peerIP := fmt.Sprintf("10.213.%d.%d", id/64%256, sub+2)
	ip := func(args ...string) error {
		out, err := exec.Command("ip", args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("ip %v: %v: %s", args, err, out)
		}
		return nil
	}
	t.Cleanup(func() {
		_ = ip("netns", "del", ns)  // removes the peer end, and with it the pair
		_ = ip("link", "del", host) // in case the namespace was never made
	})
	steps := [][]string{
		{"netns", "add", ns},
		{"link", "add", host, "type", "veth", "peer", "name", peer},
		{"link", "set", peer, "netns", ns},
		{"addr", "add", hostIP + "/30", "dev", host},
		{"link", "set", host, "up"},
		{"netns", "exec", ns, "ip", "addr", "add", peerIP + "/30", "dev", peer},
		{"netns", "exec", ns, "ip", "link", "set", peer, "up"},
		{"netns", "exec", ns, "ip", "link", "set", "lo", "up"},
	}
	for _, s := range steps {
		if err := ip(s...); err != nil {
			t.Skipf("cannot build the test network namespace: %v", err)
		}
	}
	return hostIP, ns
}

func toneShare440(x []int16) float64 {
	w := 2 * math.Pi * 440 / ingest.SampleRate
	coeff := 2 * math.Cos(w)
	var s1, s2, total float64
	for _, v := range x {
		s0 := float64(v) + coeff*s1 - s2
		s2, s1 = s1, s0
		total += float64(v) * float64(v)
	}
	if total == 0 {
		return 0
	}
	return 2 * (s1*s1 + s2*s2 - coeff*s1*s2) / (float64(len(x)) * total)
}

// lockedBuffer collects a subprocess's output for failure messages.
type lockedBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
