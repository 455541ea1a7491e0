package ffmpeg

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/internal/testaudio"
	"github.com/earshot/earshot/internal/testnet"
	"github.com/earshot/earshot/internal/testutil"
)

func isRefused(err error) bool { return errors.Is(err, ErrUnreachable) }

func within(d, want, tol time.Duration) bool { return d >= want-tol && d <= want+tol }

func TestPullsHTTPWAVAndHLS(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	wav := toneWAV(t, dir, 440, 3)
	hls := filepath.Join(dir, "hls")
	if err := os.Mkdir(hls, 0o755); err != nil {
		t.Fatal(err)
	}
	ffmpegRun(t, "-i", wav, "-c:a", "aac", "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod", filepath.Join(hls, "index.m3u8"))
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	tests := []struct {
		name, url string
		tol       time.Duration
	}{
		{"http wav", srv.URL + "/" + filepath.Base(wav), 5 * time.Millisecond},
		{"hls", srv.URL + "/hls/index.m3u8", 100 * time.Millisecond}, // AAC priming/padding
		{"file path", wav, 5 * time.Millisecond},
		{"file url", "file://" + wav, 5 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, err := New(tc.url, Options{Guard: loopback})
			if err != nil {
				t.Fatal(err)
			}
			rec := &recorder{}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := src.Run(ctx, rec.emit); err != nil {
				t.Fatal(err)
			}
			if h := rec.heard(); !within(h, 3*time.Second, tc.tol) || rec.gaps != 0 {
				t.Errorf("heard %v with %d offset gaps, want 3s ± %v, contiguous", h, rec.gaps, tc.tol)
			}
			if s := testaudio.ToneShare(rec.pcm[1600:len(rec.pcm)-1600], 440); s < 0.9 {
				t.Errorf("440 Hz share %.3f, want > 0.9", s)
			}
		})
	}
}

// TestPullsLiveStreams: ffmpeg serves a live stream (-re -listen) over
// RTMP, SRT or HTTP-FLV; the source pulls it and hears the tone. ffmpeg as a server closes the stream
// without an RTMP end-of-stream message, so the end may read as lost.
func TestPullsLiveStreams(t *testing.T) {
	needFFmpeg(t)
	wav := toneWAV(t, t.TempDir(), 1000, 2)
	named := testnet.Policy(t, testnet.MediaName)
	tests := []struct{ name, url string }{
		{"rtmp", "rtmp://127.0.0.1:" + testutil.FreePort(t, "tcp") + "/live/x"},
		{"rtmp by name", "rtmp://media.test:" + testutil.FreePort(t, "tcp") + "/live/x"}, // pinned to the checked address
		{"srt", "srt://127.0.0.1:" + testutil.FreePort(t, "udp")},
		{"srt by name", "srt://media.test:" + testutil.FreePort(t, "udp")},
		{"http-flv", "http://127.0.0.1:" + testutil.FreePort(t, "tcp") + "/live/x.flv"},
		{"http-flv by name", "http://media.test:" + testutil.FreePort(t, "tcp") + "/live/x.flv"}, // through the proxy
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			listen := strings.Replace(tc.url, "media.test", "127.0.0.1", 1)
			if !strings.HasPrefix(tc.name, "srt") {
				farEnd(t, "-re", "-i", wav, "-c:a", "aac", "-f", "flv", "-listen", "1", listen)
			} else {
				farEnd(t, "-re", "-i", wav, "-c:a", "aac", "-f", "mpegts", listen+"?mode=listener")
			}
			guard := loopback
			if strings.HasSuffix(tc.name, "by name") {
				guard = named
			}
			src, err := New(tc.url, Options{Guard: guard, Timeout: 3 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			rec := &recorder{}
			err = runWithRetry(ctx, t, src, rec)
			if err != nil && !errors.Is(err, ErrStreamLost) {
				t.Fatal(err)
			}
			// A live pull may join a moment late; most of the 2 s must come.
			if h := rec.heard(); h < 1500*time.Millisecond || h > 2200*time.Millisecond {
				t.Errorf("heard %v, want about 2s", h)
			}
			if s := testaudio.ToneShare(rec.pcm[len(rec.pcm)/4:3*len(rec.pcm)/4], 1000); s < 0.9 {
				t.Errorf("1 kHz share %.3f, want > 0.9", s)
			}
		})
	}
}

// TestFarEndDiesMidStream: the RTMP server is killed while audio flows;
// Run must fail with ErrStreamLost instead of reporting a clean end.
func TestFarEndDiesMidStream(t *testing.T) {
	needFFmpeg(t)
	wav := toneWAV(t, t.TempDir(), 440, 30)
	for _, how := range []string{"killed", "stalled"} {
		t.Run(how, func(t *testing.T) {
			url := "rtmp://127.0.0.1:" + testutil.FreePort(t, "tcp") + "/live/x"
			far := farEnd(t, "-re", "-i", wav, "-c:a", "aac", "-f", "flv", "-listen", "1", url)
			src, err := New(url, Options{Guard: loopback, Timeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			sig := syscall.SIGKILL
			if how == "stalled" {
				sig = syscall.SIGSTOP // the connection stays open, data stops
				t.Cleanup(func() { _ = far.Process.Signal(syscall.SIGCONT) })
			}
			rec := &recorder{}
			rec.onData = func(h time.Duration) {
				if h >= time.Second && h < time.Second+20*time.Millisecond {
					_ = far.Process.Signal(sig)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			err = runWithRetry(ctx, t, src, rec)
			if !errors.Is(err, ErrStreamLost) && !errors.Is(err, ErrTimeout) {
				t.Fatalf("got %v, want ErrStreamLost or ErrTimeout", err)
			}
			if ctx.Err() != nil {
				t.Fatal("Run did not notice before the test's deadline")
			}
			t.Logf("%s far end: %v", how, err)
		})
	}
}

func TestFaultsAreClear(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	ffmpegRun(t, "-f", "lavfi", "-i", "testsrc=duration=1:size=64x64:rate=10", filepath.Join(dir, "video.mp4"))
	if err := os.WriteFile(filepath.Join(dir, "garbage.bin"), []byte(strings.Repeat("not media at all ", 4000)), 0o644); err != nil {
		t.Fatal(err)
	}
	// A playlist pointing at a local file must not be followed.
	evil := "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n"
	if err := os.WriteFile(filepath.Join(dir, "evil.m3u8"), []byte(evil), 0o644); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServer(http.Dir(dir)))
	mux.HandleFunc("/secret", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "no", http.StatusForbidden) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	tests := []struct {
		name, url string
		want      error
	}{
		{"refused", "rtmp://127.0.0.1:" + testutil.FreePort(t, "tcp") + "/live/x", ErrUnreachable},
		{"http refused", "http://127.0.0.1:" + testutil.FreePort(t, "tcp") + "/a.flv", ErrUnreachable},
		{"404", srv.URL + "/missing.flv", ErrNotFound},
		{"403", srv.URL + "/secret", ErrUnauthorized},
		{"garbage", srv.URL + "/garbage.bin", ErrInvalidData},
		{"video only", srv.URL + "/video.mp4", ErrNoAudio},
		{"missing file", filepath.Join(dir, "nope.wav"), ErrNotFound},
		{"playlist to local file", srv.URL + "/evil.m3u8", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, err := New(tc.url, Options{Guard: loopback, Timeout: 3 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			rec := &recorder{}
			err = src.Run(context.Background(), rec.emit)
			t.Logf("%v", err)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if len(rec.pcm) > 0 {
				t.Errorf("emitted %d samples", len(rec.pcm))
			}
		})
	}
}

// TestCancelKillsFFmpeg: cancelling Run kills and reaps ffmpeg and leaves
// no goroutine behind.
func TestCancelKillsFFmpeg(t *testing.T) {
	needFFmpeg(t)
	wav := toneWAV(t, t.TempDir(), 440, 30)
	settled := testutil.LeakCheck(t, 0)
	src, err := New(wav, Options{Realtime: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	rec := &recorder{onData: func(h time.Duration) {
		if h >= 200*time.Millisecond {
			cancel()
		}
	}}
	if err := src.Run(ctx, rec.emit); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	src.mu.Lock()
	pid := src.lastPID
	src.mu.Unlock()
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("ffmpeg %d still exists (err %v)", pid, err)
	}
	settled()
}

func TestEmitErrorStopsRun(t *testing.T) {
	needFFmpeg(t)
	wav := toneWAV(t, t.TempDir(), 440, 3)
	src, _ := New(wav, Options{})
	boom := errors.New("boom")
	if err := src.Run(context.Background(), func(ingest.Chunk) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("got %v, want boom", err)
	}
}

// TestCountsDecodeErrors: a stream with corrupt packets still plays, and
// each packet ffmpeg's decoder rejected counts in SourceStats, over Runs.
func TestCountsDecodeErrors(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	clean, corrupt := filepath.Join(dir, "clean.aac"), filepath.Join(dir, "corrupt.aac")
	ffmpegRun(t, "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:a", "aac", "-f", "adts", clean)
	b, err := os.ReadFile(clean)
	if err != nil {
		t.Fatal(err)
	}
	for i := 2000; i < len(b)-2000; i += 997 { // flip a byte every ~4 frames
		b[i] ^= 0xff
	}
	if err := os.WriteFile(corrupt, b, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path      string
		wantErrs  bool
		wantAudio time.Duration
	}{
		{clean, false, 2900 * time.Millisecond},
		{corrupt, true, 2 * time.Second},
	}
	for _, tc := range tests {
		src, err := New(tc.path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var first uint64
		for run := range 2 {
			rec := &recorder{}
			if err := src.Run(context.Background(), rec.emit); err != nil {
				t.Fatalf("%s: %v", filepath.Base(tc.path), err)
			}
			if heard := rec.heard(); heard < tc.wantAudio {
				t.Errorf("%s: heard %v, want at least %v", filepath.Base(tc.path), heard, tc.wantAudio)
			}
			n := src.SourceStats().DecodeErrors
			switch {
			case (n > 0) != tc.wantErrs:
				t.Errorf("%s: %d decode errors, want some: %v", filepath.Base(tc.path), n, tc.wantErrs)
			case run == 0:
				first = n
			case n != 2*first:
				t.Errorf("%s: %d decode errors after two Runs, want twice %d", filepath.Base(tc.path), n, first)
			}
		}
		t.Logf("%s: %d decode errors", filepath.Base(tc.path), src.SourceStats().DecodeErrors)
	}
}
