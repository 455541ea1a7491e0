package sphinx

import (
	"fmt"
	"sync"
	"time"

	"github.com/earshot/earshot/transcript"
)

// maxNBestVisits bounds the n-best search per final hypothesis.
const maxNBestVisits = 50

// sampleRate is the rate of the PCM a Stream accepts.
const sampleRate = 16000

// stream is one audio stream on one decoder. A mutex serializes its
// methods, so Close may come from another goroutine.
type stream struct {
	rec  *Recognizer
	emit transcript.Emit

	mu     sync.Mutex
	dec    *decoder // nil once closed
	inUtt  bool
	utt    uint64
	start  time.Duration // stream time of the utterance's first sample
	fed    int           // samples fed in this utterance
	lastAt int           // fed at the last partial check
	last   string        // text of the last partial
}

func newStream(r *Recognizer, d *decoder, emit transcript.Emit) *stream {
	return &stream{rec: r, dec: d, emit: emit}
}

// Write feeds pcm. Utterance times count samples from the offset of the
// utterance's first write, so a gap in offsets within an utterance is not
// reflected in word times.
func (s *stream) Write(pcm []int16, offset time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dec == nil {
		return ErrClosed
	}
	if len(pcm) == 0 {
		return nil
	}
	if !s.inUtt {
		if err := s.dec.startUtt(); err != nil {
			return err
		}
		s.inUtt, s.utt, s.start, s.fed, s.lastAt, s.last = true, s.utt+1, offset, 0, 0, ""
	}
	if err := s.dec.process(pcm); err != nil {
		return err
	}
	s.fed += len(pcm)
	if s.fed-s.lastAt >= int(s.rec.cfg.PartialEvery*sampleRate/time.Second) {
		s.lastAt = s.fed
		s.partial()
	}
	return nil
}

func (s *stream) end() time.Duration {
	return s.start + time.Duration(s.fed)*time.Second/sampleRate
}

func (s *stream) partial() {
	text := cleanText(s.dec.hyp())
	if text == "" || text == s.last {
		return
	}
	s.last = text
	s.emit(transcript.Hypothesis{
		Utterance: s.utt, Text: text,
		Words: toWords(s.dec.segments(), s.start, s.end(), false),
		Start: s.start, End: s.end(), Recognizer: s.rec.Name(),
	})
}

// EndUtterance emits the final hypothesis of the current utterance, if
// anything was heard.
func (s *stream) EndUtterance() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dec == nil {
		return ErrClosed
	}
	return s.endUtterance()
}

func (s *stream) endUtterance() error {
	if !s.inUtt {
		return nil
	}
	s.inUtt = false
	if err := s.dec.endUtt(); err != nil {
		return fmt.Errorf("sphinx: end utterance %d: %w", s.utt, err)
	}
	h := s.final()
	if h.Text != "" {
		s.emit(h)
	}
	return nil
}

func (s *stream) final() transcript.Hypothesis {
	h := transcript.Hypothesis{
		Utterance: s.utt, Final: true, Text: cleanText(s.dec.hyp()),
		Start: s.start, End: s.end(), Recognizer: s.rec.Name(),
	}
	if h.Text == "" {
		return h
	}
	h.Words = toWords(s.dec.segments(), s.start, s.end(), true)
	if len(s.rec.cfg.Keyphrases) > 0 {
		return keywordFinal(h)
	}
	h.Confidence = s.dec.prob()
	if n := s.rec.cfg.NBest; n > 0 {
		h.Alternatives = alternatives(s.dec.nbest(n+1, maxNBestVisits), h.Text, n)
	}
	return h
}

// Close ends the current utterance and returns the decoder to the
// recognizer. Closing twice is not an error.
func (s *stream) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dec == nil {
		return nil
	}
	err := s.endUtterance()
	d := s.dec
	s.dec = nil
	if err != nil {
		d.free() // its state is unknown
		s.rec.cfg.Logger.Warn("sphinx: decoder freed after an error", "name", s.rec.Name(), "err", err)
		return err
	}
	s.rec.release(d)
	return nil
}
