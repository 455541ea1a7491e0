package kws

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/earshot/earshot/transcript"
)

var errClosed = errors.New("kws: closed")

// stream numbers utterances itself, because moving to a new decoder pool
// restarts the sub-stream's numbering and the Detector deduplicates by
// utterance.
type stream struct {
	r    *Recognizer
	emit transcript.Emit

	mu     sync.Mutex
	gen    *generation
	sub    transcript.Stream // nil when the generation has no keyphrase
	utt    uint64
	inUtt  bool
	closed bool
}

func (s *stream) Write(pcm []int16, offset time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	if len(pcm) == 0 {
		return nil
	}
	if !s.inUtt {
		if err := s.follow(); err != nil {
			return err
		}
		s.inUtt = true
		s.utt++
	}
	if s.sub == nil {
		return nil
	}
	return s.sub.Write(pcm, offset)
}

// follow moves the stream to the generation in force, between utterances.
func (s *stream) follow() error {
	g := s.r.current()
	if g == s.gen {
		return nil
	}
	if s.sub != nil {
		_ = s.sub.Close() // between utterances: nothing to flush
		s.sub = nil
	}
	s.gen = g
	if g.rec == nil {
		return nil
	}
	sub, err := g.rec.Open(contextBackground(), s.relay)
	if err != nil {
		s.gen = nil // retry at the next utterance
		return fmt.Errorf("kws: open decoder: %w", err)
	}
	s.sub = sub
	return nil
}

func (s *stream) EndUtterance() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	s.inUtt = false
	if s.sub == nil {
		return nil
	}
	return s.sub.EndUtterance()
}

func (s *stream) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.sub == nil {
		return nil
	}
	return s.sub.Close()
}

// relay runs inside the sub-stream's Write/EndUtterance, under s.mu.
func (s *stream) relay(h transcript.Hypothesis) {
	h = spotted(h)
	if h.Text == "" {
		return
	}
	h.Utterance, h.Recognizer = s.utt, Name
	s.emit(h)
}

// spotted turns a keyword hypothesis into text the lexicon matches: the
// spotted phrases in time order, each occurrence once (the search may
// report one phrase several times over overlapping frames), separated so
// two phrases do not read as one sentence.
func spotted(h transcript.Hypothesis) transcript.Hypothesis {
	ws := append([]transcript.Word(nil), h.Words...)
	sort.SliceStable(ws, func(i, j int) bool { return ws[i].Start < ws[j].Start })
	var kept []transcript.Word
	for _, w := range ws {
		if !overlapsSame(kept, w) {
			kept = append(kept, w)
		}
	}
	texts := make([]string, len(kept))
	for i, w := range kept {
		texts[i] = w.Text
	}
	h.Words, h.Text, h.Alternatives = kept, strings.Join(texts, ". "), nil
	return h
}

func overlapsSame(kept []transcript.Word, w transcript.Word) bool {
	for _, k := range kept {
		if k.Text == w.Text && k.Start <= w.End && w.Start <= k.End {
			return true
		}
	}
	return false
}

// contextBackground: sphinx's Open uses ctx only to refuse a cancelled
// open, and a stream's switch must not fail because a caller's context
// ended after Open returned.
func contextBackground() context.Context { return context.Background() }
