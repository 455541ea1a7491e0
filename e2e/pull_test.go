package e2e

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/tts"
)

// TestPulledRoomsRemindAnchor: a room registered by URL (POST /v1/rooms)
// pulls live RTMP and live HLS served by a real ffmpeg, and the anchor's
// NATS subject receives reminders for what was said; DELETE stops it.
func TestPulledRoomsRemindAnchor(t *testing.T) {
	if testing.Short() {
		t.Skip("speech end-to-end test")
	}
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed")
	}
	svc := startService(t, allowLoopback)
	base := "http://" + svc.HTTPAddr()
	wav := synth(t, tts.FliteSLT, "Hello and welcome to the live room.",
		"It is the best cream in the world.", "This is the lowest price ever.")
	tests := []struct {
		name  string
		serve func(t *testing.T) string // starts the far end, returns the URL
	}{
		{"rtmp", func(t *testing.T) string {
			url := "rtmp://127.0.0.1:" + freeTCPPort(t) + "/live/anchor"
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
			body, _ := json.Marshal(map[string]string{"id": room, "anchor": "a1", "source": tc.serve(t)})
			if resp := post(t, base+"/v1/rooms", "application/json", body); resp.StatusCode != http.StatusCreated {
				t.Fatalf("POST /v1/rooms: %s", resp.Status)
			}
			want := map[string]bool{"absolute-claim": true, "price-fraud": true}
			deadline := time.After(40 * time.Second)
			for len(want) > 0 {
				select {
				case r := <-got:
					delete(want, r.Category)
				case <-deadline:
					var st map[string]any
					getJSON(t, base+"/v1/rooms/"+room, &st)
					t.Fatalf("no reminder for %v; room status %v", keys(want), st)
				}
			}
			req, _ := http.NewRequest(http.MethodDelete, base+"/v1/rooms/"+room, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("DELETE: %s", resp.Status)
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

func freeTCPPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}
