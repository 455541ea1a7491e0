//go:build linux

package whep

import (
	"context"
	"errors"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/internal/testaudio"
	"github.com/earshot/earshot/internal/testnet"
)

// TestPullsFromGStreamerWHEPServer pulls from a real, non-pion WebRTC
// peer: GStreamer's webrtcbin answering the WHEP offer (the script in
// testdata), running in a network namespace joined by a veth pair because
// GStreamer's ICE does not pair with loopback-only candidates.
func TestPullsFromGStreamerWHEPServer(t *testing.T) {
	if testing.Short() {
		t.Skip("real GStreamer test")
	}
	testnet.NeedGStreamer(t)
	ns := testnet.NewNamespace(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const token = "gst-secret"
	srv := exec.CommandContext(ctx, "ip", "netns", "exec", ns.Name, testnet.DebianPython,
		"testdata/gst_whep_server.py", ns.PeerIP, "8890", token, "20")
	stderr := testnet.StartReady(t, srv)
	src, err := New("http://"+ns.PeerIP+":8890/whep", Options{Token: token, Guard: testnet.Policy(t, ns.PeerIP)})
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
	if s := testaudio.ToneShare(pcm[ingest.SampleRate/2:], 440); s < 0.8 {
		t.Errorf("440 Hz share %.3f, want > 0.8", s)
	}
}
