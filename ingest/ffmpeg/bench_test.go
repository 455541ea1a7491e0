package ffmpeg

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
)

// BenchmarkPullFile measures what one pulled room costs: 10 s of 44.1 kHz
// stereo audio (WAV, or AAC as RTMP/HLS carry it) decoded, resampled and
// piped as fast as possible. ffmpeg-cpu-ms/op is the subprocess's
// user+system CPU per 10 s of audio, so ffmpeg-cpu-%-of-a-core is the
// share of one core a live room keeps busy; ns/op includes process start.
func BenchmarkPullFile(b *testing.B) {
	needFFmpeg(b)
	dir := b.TempDir()
	wav := toneWAV(b, dir, 440, 10)
	aac := dir + "/tone.m4a"
	ffmpegRun(b, "-i", wav, "-c:a", "aac", "-b:a", "128k", aac)
	b.Run("wav", func(b *testing.B) { benchPull(b, wav) })
	b.Run("aac", func(b *testing.B) { benchPull(b, aac) })
}

func benchPull(b *testing.B, path string) {
	src, err := New(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	before := childCPU()
	b.ResetTimer()
	for b.Loop() {
		var n int
		if err := src.Run(context.Background(), func(c ingest.Chunk) error { n += len(c.PCM); return nil }); err != nil {
			b.Fatal(err)
		}
		if n < 10*ingest.SampleRate-1024 || n > 10*ingest.SampleRate+2048 {
			b.Fatalf("got %d samples", n)
		}
	}
	cpu := childCPU() - before
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "ffmpeg-cpu-ms/op")
	b.ReportMetric(100*cpu.Seconds()/float64(b.N)/10, "ffmpeg-cpu-%-of-a-core")
}

func childCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
