package ffmpeg

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/internal/testnet"
	"github.com/earshot/earshot/internal/testutil"
)

// loopback allows the far ends these tests start on 127.0.0.1.
var loopback = testnet.Loopback()

// needFFmpeg skips when ffmpeg is missing; the project's set-up installs it.
func needFFmpeg(t testing.TB) {
	t.Helper()
	testutil.NeedTool(t, "ffmpeg")
}

// ffmpegRun runs ffmpeg to completion to make test inputs.
func ffmpegRun(t testing.TB, args ...string) {
	t.Helper()
	out, err := exec.Command("ffmpeg", append([]string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, out)
	}
}

// toneWAV writes secs seconds of a freq Hz tone as 44.1 kHz stereo WAV,
// so the source must resample and downmix.
func toneWAV(t testing.TB, dir string, freq, secs int) string {
	t.Helper()
	p := filepath.Join(dir, "tone"+strconv.Itoa(freq)+"_"+strconv.Itoa(secs)+".wav")
	ffmpegRun(t, "-f", "lavfi", "-i", "sine=frequency="+strconv.Itoa(freq)+":duration="+strconv.Itoa(secs)+":sample_rate=44100", "-ac", "2", p)
	return p
}

// farEnd starts an ffmpeg acting as the remote server and kills it at the
// end of the test.
func farEnd(t testing.TB, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("ffmpeg", append([]string{"-nostdin", "-hide_banner", "-loglevel", "error"}, args...)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd
}

// recorder collects emitted audio and checks offsets are contiguous.
type recorder struct {
	mu     sync.Mutex
	pcm    []int16
	next   time.Duration
	gaps   int
	onData func(heard time.Duration)
}

func (r *recorder) emit(c ingest.Chunk) error {
	r.mu.Lock()
	if c.Offset != r.next {
		r.gaps++
	}
	r.next = c.End()
	r.pcm = append(r.pcm, c.PCM...)
	heard := r.next
	f := r.onData
	r.mu.Unlock()
	if f != nil {
		f(heard)
	}
	return nil
}

func (r *recorder) heard() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.next
}

// runWithRetry runs src, retrying while the far end is not listening yet
// (a listening ffmpeg cannot be probed without taking its one client
// slot), until ctx's deadline.
func runWithRetry(ctx context.Context, t *testing.T, src *Source, rec *recorder) error {
	t.Helper()
	deadline, ok := ctx.Deadline()
	if !ok {
		t.Fatal("runWithRetry needs a context with a deadline")
	}
	var err error
	testutil.Eventually(t, time.Until(deadline), func() error {
		err = src.Run(ctx, rec.emit)
		if err == nil || rec.heard() > 0 || ctx.Err() != nil || !isRefused(err) {
			return nil
		}
		return fmt.Errorf("far end not listening yet: %w", err)
	})
	return err
}
