package kws

import (
	"context"
	"errors"
	"path/filepath"
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

const hmmDir = "/usr/share/pocketsphinx/model/en-us/en-us"

func skipWithoutModel(tb testing.TB) {
	tb.Helper()
	if !Available {
		// A build choice, not a missing install: a CGO_ENABLED=0 build
		// has no decoder to test, in CI too.
		tb.Skip("keyword spotting needs PocketSphinx: built without cgo")
	}
	testutil.NeedFile(tb, DefaultDict)
	testutil.NeedFile(tb, hmmDir+"/mdef")
}

func speak(tb testing.TB, text string) []int16 {
	tb.Helper()
	testutil.Need(tb, tts.Check(tts.FliteSLT))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	path := filepath.Join(tb.TempDir(), "speech.wav")
	if err := tts.Synthesize(ctx, tts.FliteSLT, text, path); err != nil {
		tb.Fatal(err)
	}
	pcm, err := tts.ReadPCM(path)
	if err != nil {
		tb.Fatal(err)
	}
	return pcm
}

// phrasesOf is a one-phrase list named and tagged id.
func phrasesOf(id, phrase string) *Phrases {
	return &Phrases{Name: id, List: []Phrase{{Text: phrase, ID: id}}}
}

type hyps struct {
	mu  sync.Mutex
	all []transcript.Hypothesis
}

func (c *hyps) emit(h transcript.Hypothesis) { c.mu.Lock(); c.all = append(c.all, h); c.mu.Unlock() }

func (c *hyps) finals() []transcript.Hypothesis {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []transcript.Hypothesis
	for _, h := range c.all {
		if h.Final {
			out = append(out, h)
		}
	}
	return out
}

// utterance feeds pcm as one utterance in 100 ms chunks from offset at.
func utterance(t *testing.T, s transcript.Stream, pcm []int16, at time.Duration) {
	t.Helper()
	for i := 0; i < len(pcm); i += 1600 {
		if err := s.Write(pcm[i:min(i+1600, len(pcm))], at+tts.Duration(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.EndUtterance(); err != nil {
		t.Fatal(err)
	}
}

// TestSpotsViolation: a flite voice says a sentence with a listed phrase
// in it; the phrase comes out as the hypothesis text, with its time.
func TestSpotsViolation(t *testing.T) {
	skipWithoutModel(t)
	ph := phrasesOf("fa-clinical", "clinically proven")
	th := Thresholds{Bands: []Band{{MaxPhones: 99, Threshold: 1e-20}}}
	r, err := New(Config{Phrases: func() *Phrases { return ph }, Thresholds: &th})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	pcm := speak(t, "This cream is clinically proven to work.")
	var c hyps
	s, err := r.Open(context.Background(), c.emit)
	if err != nil {
		t.Fatal(err)
	}
	utterance(t, s, pcm, 2*time.Second)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	f := c.finals()
	if len(f) != 1 || f[0].Text != "clinically proven" || f[0].Recognizer != Name || f[0].Utterance != 1 {
		t.Fatalf("finals %+v, want one spotting \"clinically proven\"", f)
	}
	w := f[0].Words[0]
	if w.Start < 2*time.Second || w.End > 2*time.Second+tts.Duration(len(pcm)) || w.End <= w.Start {
		t.Errorf("word time %v..%v outside the utterance", w.Start, w.End)
	}
	if kps := r.Phrases(); len(kps) != 1 || kps[0].Rules[0] != "fa-clinical" {
		t.Errorf("keyphrases %+v, want one from fa-clinical", kps)
	}
}

// TestFollowsPhraseVersions: a new phrase list is picked up between
// utterances of an open stream, after a background rebuild.
func TestFollowsPhraseVersions(t *testing.T) {
	skipWithoutModel(t)
	v1, v2 := phrasesOf("v1", "clinically proven"), phrasesOf("v2", "money back guarantee")
	var cur atomic.Pointer[Phrases]
	cur.Store(v1)
	th := Thresholds{Bands: []Band{{MaxPhones: 99, Threshold: 1e-20}}}
	r, err := New(Config{Phrases: cur.Load, Thresholds: &th})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	pcm := speak(t, "It is clinically proven, with a money back guarantee.")
	var c hyps
	s, err := r.Open(context.Background(), c.emit)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	utterance(t, s, pcm, 0)
	cur.Store(v2)
	utterance(t, s, pcm, 10*time.Second) // notices v2, starts the rebuild
	testutil.WaitFor(t, 30*time.Second, "the keyphrases rebuilt for v2", func() bool {
		return r.Phrases()[0].Phrase == "money back guarantee"
	})
	utterance(t, s, pcm, 20*time.Second)
	f := c.finals()
	if len(f) < 2 || f[0].Text != "clinically proven" || f[len(f)-1].Text != "money back guarantee" {
		t.Fatalf("finals %+v: want v1's phrase first and v2's last", f)
	}
	if last := f[len(f)-1]; last.Utterance != 3 {
		t.Errorf("utterance numbering restarted with the new decoder: %d", last.Utterance)
	}
}

func TestSpottedDedupes(t *testing.T) {
	s := time.Second
	h := spotted(transcript.Hypothesis{Words: []transcript.Word{
		{Text: "risk free", Start: 3 * s, End: 4 * s},
		{Text: "cures cancer", Start: 1 * s, End: 2 * s},
		{Text: "cures cancer", Start: 1*s + 100*time.Millisecond, End: 2 * s},
		{Text: "cures cancer", Start: 5 * s, End: 6 * s},
	}, Alternatives: []string{"x"}})
	if h.Text != "cures cancer. risk free. cures cancer" || len(h.Words) != 3 || h.Alternatives != nil {
		t.Fatalf("%+v", h)
	}
}

func TestNewErrors(t *testing.T) {
	if !Available {
		if _, err := New(Config{}); !errors.Is(err, sphinx.ErrUnavailable) {
			t.Errorf("New without cgo: %v, want sphinx.ErrUnavailable", err)
		}
		return
	}
	if _, err := New(Config{}); err == nil || !strings.Contains(err.Error(), "Phrases") {
		t.Errorf("New without phrases: %v", err)
	}
	ph := phrasesOf("x", "clinically proven")
	bad := Thresholds{}
	if _, err := New(Config{Phrases: func() *Phrases { return ph }, Thresholds: &bad}); err == nil {
		t.Error("empty thresholds accepted")
	}
	if _, err := New(Config{Phrases: func() *Phrases { return nil }}); err == nil || !strings.Contains(err.Error(), "no phrase list") {
		t.Errorf("nil phrase list: %v", err)
	}
	if _, err := New(Config{Phrases: func() *Phrases { return ph }, Dict: "/nonexistent.dict"}); err == nil {
		t.Error("missing dictionary accepted")
	}
}
