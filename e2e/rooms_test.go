package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/internal/testutil"
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
	svc, err := app.Start(context.Background(), cfg, testutil.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	c := apiClient(t, svc)
	ctx := context.Background()
	upload(t, c, api.Room{ID: "drain"}, api.PaceRealtime, wav) // paced like a live room
	// The synthesized line is followed by 1 s of silence: close as soon as
	// the speech has been heard, before the pause ends the utterance.
	speechEnd := wavDuration(t, wav) - time.Second
	testutil.Eventually(t, 30*time.Second, func() error {
		st, err := c.Room(ctx, "drain")
		if err == nil && time.Duration(st.HeardMs)*time.Millisecond < speechEnd {
			err = fmt.Errorf("heard %d ms of the %v of speech", st.HeardMs, speechEnd)
		}
		return err
	})
	closeCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	svc.Close(closeCtx)
	cancel()

	c2 := apiClient(t, startService(t, func(c *config.Config) { c.DataDir = dir }))
	alerts, err := c2.Alerts(ctx, api.AlertQuery{Room: "drain"})
	if err != nil {
		t.Fatal(err)
	}
	if len(alerts) == 0 {
		t.Fatal("the last alert was lost on shutdown")
	}
	for _, a := range alerts {
		if a.ClipURL == "" {
			t.Errorf("alert %s has no clip URL", a.ID)
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "evidence", a.ID+".wav")); err != nil {
			t.Errorf("clip of alert %s not flushed: %v", a.ID, err)
		}
		if wav, err := c2.Clip(ctx, a.ID); err != nil || !bytes.HasPrefix(wav, []byte("RIFF")) {
			t.Errorf("clip of alert %s (%s): %v, %d bytes", a.ID, a.ClipURL, err, len(wav))
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
	testutil.NeedTool(t, "ffmpeg")
	wav := synth(t, tts.FliteSLT, "Please send the money to my personal bank account.")
	svc := startService(t, allowLoopback)
	c := apiClient(t, svc)
	ctx := context.Background()
	url := "rtmp://127.0.0.1:" + testutil.FreePort(t, "tcp") + "/live/room"
	stop := serveRTMP(t, wav, url)
	got := reminders(t, svc, "rtmp1")
	if _, err := c.AddRoom(ctx, api.RoomSpec{ID: "rtmp1", Anchor: "anna", Source: url}); err != nil {
		t.Fatalf("registering the room: %v", err)
	}
	select {
	case r := <-got:
		t.Logf("reminder: [%s] %s", r.Category, r.Text)
	case <-time.After(90 * time.Second):
		t.Fatal("no reminder from the pulled RTMP room")
	}
	stop()
	st := waitState(t, c, "rtmp1", rooms.StateReconnecting, time.Minute)
	t.Logf("while the server is gone: %v", st.Reason)
	serveRTMP(t, wav, url)
	if st := waitState(t, c, "rtmp1", rooms.StateLive, time.Minute); st.Reconnects < 1 {
		t.Errorf("reconnects not counted: %+v", st)
	}
	if _, _, err := c.RemoveRoom(ctx, "rtmp1"); err != nil {
		t.Errorf("removing the room: %v", err)
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

// wavDuration reads a 16-bit WAV's duration from its size and header.
func wavDuration(t *testing.T, path string) time.Duration {
	t.Helper()
	out, err := exec.Command(testutil.NeedTool(t, "soxi"), "-D", path).Output()
	if err != nil {
		t.Fatalf("soxi -D %s: %v", path, err)
	}
	sec, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		t.Fatal(err)
	}
	return time.Duration(sec * float64(time.Second))
}
