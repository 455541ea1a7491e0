//go:build linux

package e2e

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/whip"
	"github.com/earshot/earshot/internal/testaudio"
	"github.com/earshot/earshot/internal/testnet"
)

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
	testnet.NeedGStreamer(t)
	ns := testnet.NewNamespace(t)
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
	ln, err := net.Listen("tcp", net.JoinHostPort(ns.HostIP, "0"))
	if err != nil {
		t.Fatal(err)
	}
	hs.Listener = ln
	hs.Start()
	defer hs.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pub := exec.CommandContext(ctx, "ip", "netns", "exec", ns.Name, testnet.DebianPython, "testdata/gst_whip.py",
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
	if s := testaudio.ToneShare(pcm[len(pcm)/4:3*len(pcm)/4], 440); s < 0.8 {
		t.Errorf("440 Hz share %.3f, want > 0.8", s)
	}
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
