package rooms

import (
	"context"
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// pacedTone is an in-process live source: a quiet tone, 20 ms every
// 20 ms until ctx ends, like a network source with the network taken away.
func pacedTone() *pacedPCM {
	pcm := make([]int16, 320)
	for i := range pcm {
		pcm[i] = int16(500 * ((i % 32) - 16) / 16)
	}
	return &pacedPCM{pcm: pcm}
}

// pacedPCM is a live room speaking pcm over and over, from sample at on:
// 20 ms every 20 ms of wall time, like a network source.
type pacedPCM struct {
	pcm []int16
	at  int
}

func (l *pacedPCM) Describe() string { return "paced pcm" }

func (l *pacedPCM) Run(ctx context.Context, emit ingest.Emit) error {
	const chunk = 320
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for off := time.Duration(0); ; off += 20 * time.Millisecond {
		if l.at+chunk > len(l.pcm) {
			l.at = 0
		}
		pcm := make([]int16, chunk)
		copy(pcm, l.pcm[l.at:])
		l.at += chunk
		if err := emit(ingest.Chunk{Offset: off, PCM: pcm}); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// BenchmarkLiveRooms measures the steady cost of n live rooms with a no-op
// recognizer: the whole room machinery (source callback, queue, segmenter
// absent, detector, evidence ring) without ASR. Each op is one wall-clock
// second; the metrics that matter are per room:
//
//	cpu-ns/room-s   CPU time per room per second of live audio
//	heap-B/room     live heap per room (evidence ring included)
//	goroutines/room
func BenchmarkLiveRooms(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		for _, window := range []time.Duration{0, 10 * time.Second} {
			b.Run(fmt.Sprintf("rooms=%d/evidence=%v", n, window), func(b *testing.B) { benchLive(b, n, window) })
		}
	}
}

func benchLive(b *testing.B, n int, window time.Duration) {
	opts := Options{Logger: testutil.Quiet()}
	if window > 0 {
		opts.EvidenceDir, opts.EvidenceWindow = b.TempDir(), window
	}
	matcher := defaultMatcher(b) // shared by all rooms: not a per-room cost
	g0, heap0 := measureHeap()
	r, err := Open(context.Background(), pipeline.Config{Recognizer: testdouble.Silent{}, Matcher: matcher, Sink: &testdouble.Sink{}, Logger: testutil.Quiet()}, opts)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	for i := range n {
		if _, err := r.StartAudio(pipeline.Room{ID: fmt.Sprintf("b%04d", i)}, pacedTone(), false); err != nil {
			b.Fatal(err)
		}
	}
	// Warm up: rings filled, queues steady.
	testutil.WaitFor(b, 30*time.Second, "every room to hear a second", func() bool {
		for _, st := range r.Rooms() {
			if st.HeardMs < 1000 {
				return false
			}
		}
		return true
	})
	g1, heap1 := measureHeap()
	cpu0, wall0 := cpuTime(), time.Now()
	b.ResetTimer()
	for range b.N {
		time.Sleep(time.Second) // pacing, not waiting: the unit measured is a second of n live rooms
	}
	b.StopTimer()
	cpu, wall := cpuTime()-cpu0, time.Since(wall0)
	var dropped uint64
	for _, st := range r.Rooms() {
		dropped += st.Dropped
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(n)/wall.Seconds(), "cpu-ns/room-s")
	b.ReportMetric(float64(int64(heap1)-int64(heap0))/float64(n), "heap-B/room")
	b.ReportMetric(float64(g1-g0)/float64(n), "goroutines/room")
	b.ReportMetric(float64(dropped), "dropped-chunks")
}

func measureHeap() (int, uint64) {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return runtime.NumGoroutine(), ms.HeapAlloc
}

// cpuTime is this process's user + system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkTextPath measures one posted utterance through the one path
// (rooms.Utterances -> pipeline.Scanner: default lexicon, transcript hook
// absent, in-memory sink) over 1,000 rooms; every other utterance is a
// violation, so half the ops deliver an alert.
//
// Measured on a 2-core AMD EPYC VM shared with other jobs, Go 1.26 (-count 3):
//
//	before the one path (registry's own detect-and-send):  8.8-17.3 us/op  1.4-1.5 KB/op  9 allocs/op
//	pipeline.Scanner, counted like speech:                11.1-13.5 us/op  1.7 KB/op     10 allocs/op
func BenchmarkTextPath(b *testing.B) {
	r, _ := newTestRegistry(b, testdouble.Silent{}, Options{})
	ctx := context.Background()
	texts := []string{"welcome back everyone to the live room", "this cream cures diabetes, trust me"}
	rooms := make([]pipeline.Room, 1000)
	for i := range rooms {
		rooms[i] = pipeline.Room{ID: fmt.Sprintf("text-%04d", i)}
	}
	i := 0
	for b.Loop() {
		hs := []transcript.Hypothesis{{Final: true, Text: texts[i%2]}}
		if _, err := r.Utterances(ctx, rooms[i%len(rooms)], hs); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
