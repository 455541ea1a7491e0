package e2e

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/internal/tts"
	"github.com/earshot/earshot/rooms"
)

// TestCloseDrainsLastAlert closes the whole service while a room streams,
// right after the anchor's violation: after a restart on the same data dir,
// the alert is in the JetStream alert log and its evidence clip on disk.
func TestCloseDrainsLastAlert(t *testing.T) {
	if testing.Short() {
		t.Skip("speech end-to-end test")
	}
	wav := synth(t, tts.FliteSLT, "It is the best cream in the world.")
	dir := t.TempDir()
	cfg := config.Default()
	cfg.DataDir, cfg.HTTP.Addr, cfg.NATS.Listen = dir, "127.0.0.1:0", "127.0.0.1:0"
	svc, err := app.Start(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + svc.HTTPAddr()
	resp := postFile(t, base+"/v1/rooms/drain/audio", wav) // paced like a live room
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("upload: %s", resp.Status)
	}
	// The synthesized line is followed by 1 s of silence: close as soon as
	// the speech has been heard, before the pause ends the utterance.
	speechEnd := wavDuration(t, wav) - time.Second
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var st struct {
			HeardMs int64 `json:"heard_ms"`
		}
		getJSON(t, base+"/v1/rooms/drain", &st)
		if time.Duration(st.HeardMs)*time.Millisecond >= speechEnd {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("room never heard the speech")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	svc.Close(ctx)
	cancel()

	svc2 := startService(t, func(c *config.Config) { c.DataDir = dir })
	var log struct{ Alerts []alerter.Alert }
	getJSON(t, "http://"+svc2.HTTPAddr()+"/v1/alerts?room=drain", &log)
	if len(log.Alerts) == 0 {
		t.Fatal("the last alert was lost on shutdown")
	}
	for _, a := range log.Alerts {
		if a.ClipURL == "" {
			t.Errorf("alert %s has no clip URL", a.ID)
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "evidence", a.ID+".wav")); err != nil {
			t.Errorf("clip of alert %s not flushed: %v", a.ID, err)
		}
		clip, err := http.Get("http://" + svc2.HTTPAddr() + a.ClipURL)
		if err != nil {
			t.Fatal(err)
		}
		clip.Body.Close()
		if clip.StatusCode != http.StatusOK || clip.Header.Get("Content-Type") != "audio/wav" {
			t.Errorf("GET %s: %s %s", a.ClipURL, clip.Status, clip.Header.Get("Content-Type"))
		}
	}
}

// TestPulledRTMPRoom registers a room pulled from a real ffmpeg RTMP server:
// the anchor gets reminders, the server going away shows as reconnecting,
// and when it comes back the room is live again with the reconnect counted.
func TestPulledRTMPRoom(t *testing.T) {
	if testing.Short() {
		t.Skip("speech end-to-end test")
	}
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed (scripts/setup.sh installs it)")
	}
	wav := synth(t, tts.FliteSLT, "Please send the money to my personal bank account.")
	svc := startService(t, allowLoopback)
	base := "http://" + svc.HTTPAddr()
	url := "rtmp://127.0.0.1:" + freePort(t) + "/live/room"
	stop := serveRTMP(t, wav, url)
	got := reminders(t, svc, "rtmp1")
	status, v := doJSON(t, "POST", base+"/v1/rooms", `{"id":"rtmp1","anchor":"anna","source":"`+url+`"}`)
	if status != http.StatusCreated {
		t.Fatalf("POST /v1/rooms: %d %v", status, v)
	}
	select {
	case r := <-got:
		t.Logf("reminder: [%s] %s", r.Category, r.Text)
	case <-time.After(90 * time.Second):
		t.Fatal("no reminder from the pulled RTMP room")
	}
	stop()
	room := func() map[string]any {
		var st map[string]any
		getJSON(t, base+"/v1/rooms/rtmp1", &st)
		return st
	}
	waitState(t, room, rooms.StateReconnecting)
	t.Logf("while the server is gone: %v", room()["reason"])
	serveRTMP(t, wav, url)
	waitState(t, room, rooms.StateLive)
	if st := room(); st["reconnects"].(float64) < 1 {
		t.Errorf("reconnects not counted: %v", st)
	}
	if status, v := doJSON(t, "DELETE", base+"/v1/rooms/rtmp1", ""); status != http.StatusOK {
		t.Errorf("DELETE: %d %v", status, v)
	}
}

func waitState(t *testing.T, room func() map[string]any, want rooms.State) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for room()["state"] != string(want) {
		if time.Now().After(deadline) {
			t.Fatalf("room never %s: %v", want, room())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// serveRTMP runs ffmpeg as an RTMP server playing wav in real time, then
// looping it, until the returned func (also run at cleanup) kills it.
func serveRTMP(t *testing.T, wav, url string) (stop func()) {
	t.Helper()
	cmd := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", wav,
		"-c:a", "aac", "-ar", "44100", "-f", "flv", "-listen", "1", url)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	stop = func() {
		_ = cmd.Process.Kill()
		<-done
	}
	t.Cleanup(stop)
	return stop
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

func doJSON(t *testing.T, method, url, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	_ = jsonDecode(resp.Body, &v)
	return resp.StatusCode, v
}

// wavDuration reads a 16-bit WAV's duration from its size and header.
func wavDuration(t *testing.T, path string) time.Duration {
	t.Helper()
	out, err := exec.Command("soxi", "-D", path).Output()
	if err != nil {
		t.Skipf("soxi: %v", err)
	}
	sec, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		t.Fatal(err)
	}
	return time.Duration(sec * float64(time.Second))
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }
