//go:build linux

package whip

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testaudio"
	"github.com/earshot/earshot/internal/testutil"
)

const chromiumPath = "/usr/bin/chromium"

// TestChromiumPublish: headless Chromium publishes a 440 Hz WAV as its
// microphone through testdata/publish.html; the Source must emit the tone.
func TestChromiumPublish(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the Chromium test")
	}
	testutil.NeedFile(t, chromiumPath)
	testutil.NeedTool(t, "sox")
	checkLeaks(t)
	wav := filepath.Join(t.TempDir(), "t.wav")
	if out, err := exec.Command("sox", "-n", "-r", "48000", "-c", "1", "-b", "16", wav,
		"synth", "5", "sine", "440", "vol", "0.5").CombinedOutput(); err != nil {
		t.Fatalf("sox: %v %s", err, out)
	}
	ts := newTestServer(t, func(c *Config) {
		// A browser on a loaded machine needs pion's real consent timings,
		// not the short ones that let other tests see a peer vanish fast.
		c.UDPAddr, c.DisconnectedTimeout, c.FailedTimeout, c.KeepaliveInterval = "127.0.0.1:0", 0, 0, 0
	})
	status := make(chan string, 16)
	page := pageServer(t, ts, status)

	startChromium(t, wav, page+"/publish.html?whip=/whip/chrome&token="+testToken)
	sess := waitSession(t, ts, status)
	var col collector
	runErr := make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { runErr <- sess.Run(ctx, col.emit) }()

	// Poll for 3 s of audio rather than sleep: Chromium starts slowly
	// on a busy machine.
	testutil.Eventually(t, 30*time.Second, func() error {
		if n := len(col.samples()); n < 3*16000 {
			return fmt.Errorf("%d samples from Chromium, want 3 s", n)
		}
		return nil
	})
	st := sess.Stats()
	el := time.Since(st.Started)
	sess.Close()
	if err := waitErr(t, runErr, 5*time.Second); err != nil {
		t.Fatalf("Run = %v", err)
	}
	pcm := col.samples()
	t.Logf("Chromium: %d packets (%.1f/s), %d bytes (%.1f kbit/s), lost %d, decoded %v, concealed %v, decode errors %d",
		st.Packets, float64(st.Packets)/el.Seconds(), st.Bytes, float64(st.Bytes)*8/el.Seconds()/1000,
		st.LostPackets, st.Decoded, st.Concealed, st.DecodeErrors)
	if len(pcm) < 2*16000 {
		t.Fatalf("only %d samples from Chromium", len(pcm))
	}
	steady := pcm[8000:]
	f, r := testaudio.ToneShare(steady, 440), rms(steady)
	t.Logf("Chromium audio: %.2fs, 440 Hz fraction %.4f, rms %.0f, offset gaps %d",
		float64(len(pcm))/16000, f, r, col.gaps)
	if f < 0.9 || r < 3000 {
		t.Errorf("440 Hz fraction %.3f rms %.0f: want a clear tone", f, r)
	}
	if st.DecodeErrors != 0 {
		t.Errorf("%d Opus decode errors on Chromium's packets", st.DecodeErrors)
	}
}

// pageServer serves testdata/publish.html and proxies /whip/ to ts on one
// origin, and forwards the page's status reports.
func pageServer(t *testing.T, ts *testServer, status chan<- string) string {
	mux := http.NewServeMux()
	mux.Handle("/whip/", ts.Server)
	mux.HandleFunc("/publish.html", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, "testdata/publish.html")
	})
	mux.HandleFunc("/status", func(w http.ResponseWriter, r *http.Request) {
		select {
		case status <- r.URL.Query().Get("s"):
		default:
		}
	})
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return hs.URL
}

// startChromium runs headless Chromium in its own process group and kills
// the whole group when the test ends.
func startChromium(t *testing.T, wav, url string) {
	cmd := exec.Command(chromiumPath, "--headless=new", "--no-sandbox",
		"--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
		"--use-file-for-fake-audio-capture="+wav, "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-gpu",
		"--user-data-dir="+t.TempDir(), url)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
}

func waitSession(t *testing.T, ts *testServer, status <-chan string) *Session {
	deadline := time.After(30 * time.Second)
	for {
		select {
		case s := <-ts.sessions:
			return s
		case s := <-status:
			t.Logf("page: %s", s)
			if strings.HasPrefix(s, "error:") {
				t.Fatalf("publish page failed: %s", s)
			}
		case <-deadline:
			t.Fatal("Chromium never published")
		}
	}
}
