package rooms

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/internal/tts"
	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/sphinx"
)

// decoderPool grows the recognizer's idle pool to n decoders (opening n
// streams at once and closing them) and measures the resident memory each
// new decoder added.
type decoderPool struct {
	rec           *sphinx.Recognizer
	loaded        int
	rssPerDecoder float64
}

func (p *decoderPool) ensure(b *testing.B, n int) {
	if n <= p.loaded {
		return
	}
	rss0 := rssMB(b)
	streams := make([]transcript.Stream, n)
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			streams[i], errs[i] = p.rec.Open(context.Background(), func(transcript.Hypothesis) {})
		})
	}
	wg.Wait()
	for i, s := range streams {
		if errs[i] != nil {
			b.Fatal(errs[i])
		}
		_ = s.Close()
	}
	if p.loaded > 0 { // the first decoder came with New: not in rss0's delta
		p.rssPerDecoder = (rssMB(b) - rss0) / float64(n-p.loaded)
	} else if n > 1 {
		p.rssPerDecoder = (rssMB(b) - rss0) / float64(n-1)
	}
	p.loaded = n
}

// timedRecognizer sums the wall time each of its streams (one per room)
// spends in the recognizer's Write and EndUtterance: over the window, since
// a live room's audio arrives at real time, that is the room's real-time
// factor on the cores the process gets (silence, which the segmenter keeps
// from the recognizer, included in the audio's length).
type timedRecognizer struct {
	transcript.Recognizer
	mu      sync.Mutex
	streams []*timedStream
}

type timedStream struct {
	transcript.Stream
	spent atomic.Int64 // ns
}

func (t *timedRecognizer) Open(ctx context.Context, emit transcript.Emit) (transcript.Stream, error) {
	s, err := t.Recognizer.Open(ctx, emit)
	if err != nil {
		return nil, err
	}
	ts := &timedStream{Stream: s}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.streams = append(t.streams, ts)
	return ts, nil
}

// busy is each stream's time in the recognizer so far, in opening order.
func (t *timedRecognizer) busy() []time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]time.Duration, len(t.streams))
	for i, s := range t.streams {
		out[i] = time.Duration(s.spent.Load())
	}
	return out
}

func (s *timedStream) Write(pcm []int16, off time.Duration) error {
	t0 := time.Now()
	err := s.Stream.Write(pcm, off)
	s.spent.Add(int64(time.Since(t0)))
	return err
}

func (s *timedStream) EndUtterance() error {
	t0 := time.Now()
	err := s.Stream.EndUtterance()
	s.spent.Add(int64(time.Since(t0)))
	return err
}

// broadcastPCM speaks the sample broadcast with flite, a second of silence
// after each line.
func broadcastPCM(b *testing.B) []int16 {
	testutil.Need(b, tts.Check(tts.FliteSLT))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := b.TempDir()
	var parts []tts.Part
	for i, line := range sampleBroadcast {
		p := filepath.Join(dir, fmt.Sprintf("line%d.wav", i))
		if err := tts.Synthesize(ctx, tts.FliteSLT, line, p); err != nil {
			b.Fatal(err)
		}
		parts = append(parts, tts.Part{Path: p}, tts.Part{Silence: time.Second})
	}
	out := filepath.Join(dir, "broadcast.wav")
	if _, err := tts.Concat(ctx, out, parts...); err != nil {
		b.Fatal(err)
	}
	pcm, err := tts.ReadPCM(out)
	if err != nil {
		b.Fatal(err)
	}
	return pcm
}

func envDuration(b *testing.B, name string, def time.Duration) time.Duration {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		b.Fatalf("%s=%q: want a positive duration", name, v)
	}
	return d
}

func envInts(b *testing.B, name string) []int {
	v := os.Getenv(name)
	if v == "" {
		return nil
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 256 {
			b.Fatalf("%s=%q: want a list of room counts 1..256", name, v)
		}
		out = append(out, n)
	}
	return out
}

// rssMB is this process's resident set size.
func rssMB(b *testing.B) float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skip("no /proc:", err)
	}
	for line := range strings.Lines(string(raw)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.Fields(rest)[0], 64)
			return kb / 1024
		}
	}
	b.Skip("no VmRSS in /proc/self/status")
	return 0
}
