package sphinx

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/internal/tts"
	"github.com/earshot/earshot/transcript"
)

// sentences are spoken by every voice; the first is a violation.
var sentences = []string{
	"this cream cures cancer and diabetes",
	"we have a great deal on these shoes today",
	"thank you all for joining the stream tonight",
}

// TestRecognizeVoices measures word error rate per voice and checks it
// against a generous bound; the measured rates go to the log.
func TestRecognizeVoices(t *testing.T) {
	skipWithoutModel(t)
	r, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tests := []struct {
		voice  tts.Voice
		maxWER float64
	}{
		{tts.FliteSLT, 0.5},
		{tts.FliteRMS, 0.6},
		{tts.FliteAWB, 0.7},
		{tts.FliteKAL, 1.01}, // 8 kHz diphone voice: measured, not held (WER ~0.9)
		{tts.FestivalSLTHTS, 0.6},
	}
	for _, tt := range tests {
		t.Run(string(tt.voice), func(t *testing.T) {
			var errs, words float64
			for _, s := range sentences {
				finals := recognize(t, r, speak(t, tt.voice, s)).Finals()
				got := ""
				if len(finals) == 1 {
					got = finals[0].Text
				}
				n := float64(len(strings.Fields(s)))
				errs += wer(s, got) * n
				words += n
				t.Logf("%q -> %q", s, got)
			}
			if w := errs / words; w > tt.maxWER {
				t.Errorf("WER %.2f > %.2f", w, tt.maxWER)
			} else {
				t.Logf("WER %.2f", w)
			}
		})
	}
}

func TestPartialsAndTimestamps(t *testing.T) {
	skipWithoutModel(t)
	r, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	pcm := speak(t, tts.FliteSLT, sentences[0])
	c := &testdouble.Collector{}
	s, err := r.Open(context.Background(), c.Emit)
	if err != nil {
		t.Fatal(err)
	}
	// Two utterances, the second starting at 10 s of stream time.
	for u, at := range []time.Duration{0, 10 * time.Second} {
		feed(t, s, pcm, at)
		if err := s.EndUtterance(); err != nil {
			t.Fatal(err)
		}
		hs := c.All()
		final := hs[len(hs)-1]
		if !final.Final || final.Utterance != uint64(u+1) {
			t.Fatalf("last hypothesis %+v, want final of utterance %d", final, u+1)
		}
		if len(hs) < 2 || hs[len(hs)-2].Final {
			t.Errorf("utterance %d: no partial before the final", u+1)
		}
		checkWords(t, final.Words, at, at+tts.Duration(len(pcm)))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func checkWords(t *testing.T, words []transcript.Word, start, end time.Duration) {
	t.Helper()
	if len(words) == 0 {
		t.Fatal("final has no words")
	}
	prev := start
	for _, w := range words {
		if w.Start < prev || w.End <= w.Start || w.End > end {
			t.Errorf("word %+v out of order or outside [%v, %v]", w, start, end)
		}
		prev = w.Start
	}
}

func TestMissingModel(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		path string
	}{
		{"hmm", Config{HMM: "/nonexistent/hmm"}, "/nonexistent/hmm"},
		{"lm", Config{LM: "/nonexistent/x.lm.bin"}, "/nonexistent/x.lm.bin"},
		{"dict", Config{Dict: "/nonexistent/x.dict"}, "/nonexistent/x.dict"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if !Available { // no decoder to load models into: say so first
				if !errors.Is(err, ErrUnavailable) {
					t.Fatalf("New without cgo = %v, want ErrUnavailable", err)
				}
				return
			}
			if !errors.Is(err, ErrModelMissing) || !strings.Contains(err.Error(), tt.path) {
				t.Fatalf("New = %v, want ErrModelMissing naming %s", err, tt.path)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	skipWithoutModel(t)
	r, err := New(Config{MaxIdle: 1})
	if err != nil {
		t.Fatal(err)
	}
	c := &testdouble.Collector{}
	s, err := r.Open(context.Background(), c.Emit)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		do   func() error
		want error
	}{
		{"empty write", func() error { return s.Write(nil, 0) }, nil},
		{"end without audio", s.EndUtterance, nil},
		{"silence", func() error { return s.Write(make([]int16, 1600), 0) }, nil},
		{"one sample", func() error { return s.Write([]int16{5}, 0) }, nil},
		{"close", s.Close, nil},
		{"close twice", s.Close, nil},
		{"write after close", func() error { return s.Write([]int16{1, 2}, 0) }, ErrClosed},
		{"end after close", s.EndUtterance, ErrClosed},
		{"close recognizer", r.Close, nil},
		{"close recognizer twice", r.Close, nil},
		{"open after close", func() error { _, err := r.Open(context.Background(), c.Emit); return err }, ErrClosed},
	}
	for _, st := range steps {
		if err := st.do(); !errors.Is(err, st.want) {
			t.Errorf("%s: %v, want %v", st.name, err, st.want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Open(ctx, c.Emit); err == nil {
		t.Error("Open with a cancelled context succeeded")
	}
}

func TestConcurrentStreams(t *testing.T) {
	skipWithoutModel(t)
	r, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	pcm := speak(t, tts.FliteSLT, sentences[1])
	done := make(chan *testdouble.Collector, 2)
	for range 2 {
		go func() { done <- recognize(t, r, pcm) }()
	}
	for range 2 {
		select {
		case c := <-done:
			if len(c.Finals()) != 1 {
				t.Errorf("%d finals, want 1", len(c.Finals()))
			}
		case <-time.After(time.Minute):
			t.Fatal("streams hung")
		}
	}
}
