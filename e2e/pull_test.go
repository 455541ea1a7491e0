package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/internal/tts"
)

// TestPulledRoomsRemindAnchor: a room registered by URL (POST /v1/rooms)
// pulls live RTMP and live HLS served by a real ffmpeg, and the anchor's
// NATS subject receives reminders for what was said; DELETE stops it.
func TestPulledRoomsRemindAnchor(t *testing.T) {
	if testing.Short() {
		t.Skip("speech end-to-end test")
	}
	testutil.NeedTool(t, "ffmpeg")
	svc := startService(t, allowLoopback)
	c := apiClient(t, svc)
	wav := synth(t, tts.FliteSLT, "Hello and welcome to the live room.",
		"It is the best cream in the world.", "This is the lowest price ever.")
	tests := []struct {
		name  string
		serve func(t *testing.T) string // starts the far end, returns the URL
	}{
		{"rtmp", func(t *testing.T) string {
			url := "rtmp://127.0.0.1:" + testutil.FreePort(t, "tcp") + "/live/anchor"
			farEndFFmpeg(t, "-re", "-i", wav, "-c:a", "aac", "-f", "flv", "-listen", "1", url)
			return url
		}},
		{"hls", func(t *testing.T) string {
			dir := t.TempDir()
			farEndFFmpeg(t, "-re", "-i", wav, "-c:a", "aac", "-f", "hls", "-hls_time", "1",
				"-hls_list_size", "0", filepath.Join(dir, "index.m3u8"))
			srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
			t.Cleanup(srv.Close)
			return srv.URL + "/index.m3u8"
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			room := "pulled-" + tc.name
			got := reminders(t, svc, room)
			ctx := context.Background()
			if _, err := c.AddRoom(ctx, api.RoomSpec{ID: room, Anchor: "a1", Source: tc.serve(t)}); err != nil {
				t.Fatalf("registering the room: %v", err)
			}
			want := map[string]bool{"absolute-claim": true, "price-fraud": true}
			deadline := time.After(40 * time.Second)
			for len(want) > 0 {
				select {
				case r := <-got:
					for _, c := range r.Categories() {
						delete(want, c)
					}
				case <-deadline:
					st, err := c.Room(ctx, room)
					t.Fatalf("no reminder for %v; room status %+v %v", keys(want), st, err)
				}
			}
			if _, _, err := c.RemoveRoom(ctx, room); err != nil {
				t.Errorf("removing the room: %v", err)
			}
		})
	}
}

// allowLoopback lists 127.0.0.1 in ingest.allow_hosts, for tests whose far
// ends run on loopback, which the default policy refuses.
func allowLoopback(c *config.Config) { c.Ingest.AllowHosts = []string{"127.0.0.1/32"} }

func farEndFFmpeg(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command("ffmpeg", append([]string{"-nostdin", "-hide_banner", "-loglevel", "error"}, args...)...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
}
