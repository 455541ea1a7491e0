package sphinx

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/internal/tts"
	"github.com/earshot/earshot/transcript"
)

// skipWithoutModel skips when the Debian model is not installed, or the
// build has no cgo (no decoder at all).
func skipWithoutModel(tb testing.TB) {
	tb.Helper()
	if !Available {
		// A build choice, not a missing install: a CGO_ENABLED=0 build
		// has no decoder to test, in CI too.
		tb.Skip(ErrUnavailable)
	}
	testutil.Need(tb, (Config{}).withDefaults().check())
}

// speak synthesizes text with v and returns its PCM.
func speak(tb testing.TB, v tts.Voice, text string) []int16 {
	tb.Helper()
	testutil.Need(tb, tts.Check(v))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	path := filepath.Join(tb.TempDir(), "speech.wav")
	if err := tts.Synthesize(ctx, v, text, path); err != nil {
		tb.Fatal(err)
	}
	pcm, err := tts.ReadPCM(path)
	if err != nil {
		tb.Fatal(err)
	}
	return pcm
}

// feed writes pcm in 100 ms chunks, as a live source would, starting at
// stream time at.
func feed(tb testing.TB, s transcript.Stream, pcm []int16, at time.Duration) {
	tb.Helper()
	const chunk = sampleRate / 10
	for i := 0; i < len(pcm); i += chunk {
		end := min(i+chunk, len(pcm))
		if err := s.Write(pcm[i:end], at+time.Duration(i)*time.Second/sampleRate); err != nil {
			tb.Fatal(err)
		}
	}
}

// recognize runs one utterance through a fresh stream of r.
func recognize(tb testing.TB, r *Recognizer, pcm []int16) *testdouble.Collector {
	tb.Helper()
	c := &testdouble.Collector{}
	s, err := r.Open(context.Background(), c.Emit)
	if err != nil {
		tb.Fatal(err)
	}
	feed(tb, s, pcm, 0)
	if err := s.Close(); err != nil {
		tb.Fatal(err)
	}
	return c
}

// wer is the word error rate of hyp against ref: word edit distance over
// reference length.
func wer(ref, hyp string) float64 {
	r, h := strings.Fields(ref), strings.Fields(hyp)
	prev := make([]int, len(h)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(r); i++ {
		cur := make([]int, len(h)+1)
		cur[0] = i
		for j := 1; j <= len(h); j++ {
			sub := prev[j-1]
			if r[i-1] != h[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev = cur
	}
	if len(r) == 0 {
		return float64(len(h))
	}
	return float64(prev[len(h)]) / float64(len(r))
}
