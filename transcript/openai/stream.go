package openai

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/earshot/earshot/transcript"
)

// ErrClosed is returned by a closed stream.
var ErrClosed = errors.New("openai: stream closed")

const sampleRate = 16000

type stream struct {
	rec  *Recognizer
	emit transcript.Emit
	ctx  context.Context

	mu      sync.Mutex
	closed  bool
	pcm     []int16 // the current utterance
	start   time.Duration
	utt     uint64
	partAt  int    // len(pcm) at the last partial request
	partial string // text of the last partial
}

func (s *stream) Write(pcm []int16, offset time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if len(pcm) == 0 {
		return nil
	}
	if len(s.pcm) == 0 {
		s.utt++
		s.start, s.partAt, s.partial = offset, 0, ""
	}
	s.pcm = append(s.pcm, pcm...)
	if len(s.pcm) >= int(s.rec.cfg.MaxUtterance*sampleRate/time.Second) {
		s.finish()
		return nil
	}
	if every := int(s.rec.cfg.PartialEvery * sampleRate / time.Second); every > 0 && len(s.pcm)-s.partAt >= every {
		s.partAt = len(s.pcm)
		if h, ok := s.request(false); ok && h.Text != s.partial {
			s.partial = h.Text
			s.emit(h)
		}
	}
	return nil
}

// request transcribes the utterance so far.
func (s *stream) request(final bool) (transcript.Hypothesis, bool) {
	resp, err := s.rec.transcribe(s.ctx, s.pcm)
	if err != nil {
		s.rec.errors.Add(1)
		s.rec.cfg.Logger.Warn("openai: transcription failed", "utterance", s.utt, "final", final, "err", err)
		return transcript.Hypothesis{}, false
	}
	h := transcript.Hypothesis{Utterance: s.utt, Final: final, Text: resp.Transcript(), Start: s.start,
		End: s.start + time.Duration(len(s.pcm))*time.Second/sampleRate, Recognizer: "openai"}
	for _, w := range resp.AllWords() {
		h.Words = append(h.Words, transcript.Word{Text: w.Word,
			Start: s.start + secs(w.Start), End: s.start + secs(w.End)})
	}
	return h, h.Text != ""
}

func secs(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

// finish sends the utterance for its final and starts a new one.
func (s *stream) finish() {
	if len(s.pcm) == 0 {
		return
	}
	if h, ok := s.request(true); ok {
		s.emit(h)
	}
	s.pcm = s.pcm[:0]
}

func (s *stream) EndUtterance() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.finish()
	return nil
}

func (s *stream) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.finish()
	s.closed = true
	return nil
}
