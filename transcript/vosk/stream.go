package vosk

import (
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/internal/wsconn"
)

// ErrClosed is returned by a closed stream.
var ErrClosed = errors.New("vosk: stream closed")

type stream struct {
	rec  *Recognizer
	emit transcript.Emit
	ctx  context.Context

	mu      sync.Mutex
	closed  bool
	conn    *wsconn.Conn // nil between utterances
	failed  bool         // this utterance lost its connection
	utt     uint64
	start   time.Duration
	samples int
	done    []string // results of this utterance so far
	words   []transcript.Word
	partial string
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
	if s.conn == nil && !s.failed {
		s.begin(offset)
	}
	s.samples += len(pcm)
	if s.failed {
		return nil
	}
	buf := make([]byte, 2*len(pcm))
	for i, v := range pcm {
		binary.LittleEndian.PutUint16(buf[2*i:], uint16(v))
	}
	if err := s.conn.SendBinary(buf, s.rec.cfg.Timeout); err != nil {
		s.fail(err)
		return nil
	}
	s.handle(s.conn.Poll())
	return nil
}

func (s *stream) begin(offset time.Duration) {
	s.utt++
	s.start, s.samples, s.done, s.words, s.partial = offset, 0, nil, nil, ""
	c, err := wsconn.Dial(s.ctx, s.rec.cfg.URL, nil, s.rec.cfg.Timeout)
	if err == nil {
		err = c.SendText(`{"config" : {"sample_rate" : 16000}}`, s.rec.cfg.Timeout)
		if err != nil {
			_ = c.Close()
		}
	}
	if err != nil {
		s.fail(err)
		return
	}
	s.conn = c
}

func (s *stream) fail(err error) {
	s.rec.errors.Add(1)
	s.rec.cfg.Logger.Warn("vosk: utterance lost", "utterance", s.utt, "err", err)
	s.failed = true
	if s.conn != nil {
		_ = s.conn.Close()
		s.conn = nil
	}
}

// handle applies server messages and emits a partial when the text grew.
func (s *stream) handle(msgs [][]byte) (final bool) {
	before := s.text()
	for _, b := range msgs {
		m, err := Decode(b)
		if err != nil {
			s.rec.cfg.Logger.Warn("vosk: ignoring message", "err", err)
			continue
		}
		if m.Partial != nil {
			s.partial = strings.TrimSpace(*m.Partial)
			continue
		}
		if t := m.ResultText(); t != "" {
			s.done = append(s.done, t)
		}
		for _, w := range m.Result {
			s.words = append(s.words, transcript.Word{Text: w.Word, Confidence: w.Conf,
				Start: s.start + secs(w.Start), End: s.start + secs(w.End)})
		}
		s.partial = ""
		final = true
	}
	if t := s.text(); t != "" && t != before {
		s.emit(transcript.Hypothesis{Utterance: s.utt, Text: t, Start: s.start, End: s.end(), Recognizer: "vosk"})
	}
	return final
}

func secs(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

func (s *stream) end() time.Duration {
	return s.start + time.Duration(s.samples)*time.Second/16000
}

func (s *stream) text() string {
	parts := append(append([]string(nil), s.done...), s.partial)
	return strings.TrimSpace(strings.Join(parts, " "))
}

func (s *stream) EndUtterance() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.endUtterance()
	return nil
}

// endUtterance sends eof, collects results until the server closes, and
// emits the final.
func (s *stream) endUtterance() {
	if s.conn == nil {
		s.failed = false
		return
	}
	c := s.conn
	s.conn = nil
	defer c.Close()
	if err := c.SendText(`{"eof" : 1}`, s.rec.cfg.Timeout); err != nil {
		s.fail(err)
		s.failed = false
		return
	}
	s.partial = ""
	// The answer to eof is the last result, and then the server closes;
	// results of its own endpointing may come before it.
	got := false
	err := c.Drain(s.rec.cfg.Timeout, func(b []byte) bool {
		got = s.handleQuiet(b) || got
		return false
	})
	if err != nil && !got {
		s.fail(err)
		s.failed = false
		return
	}
	if t := s.text(); t != "" {
		s.emit(transcript.Hypothesis{Utterance: s.utt, Final: true, Text: t, Words: s.words,
			Start: s.start, End: s.end(), Recognizer: "vosk"})
	}
}

// handleQuiet applies one message without emitting partials; it reports a
// result.
func (s *stream) handleQuiet(b []byte) bool {
	m, err := Decode(b)
	if err != nil {
		s.rec.cfg.Logger.Warn("vosk: ignoring message", "err", err)
		return false
	}
	if !m.IsResult() {
		return false
	}
	if t := m.ResultText(); t != "" {
		s.done = append(s.done, t)
	}
	for _, w := range m.Result {
		s.words = append(s.words, transcript.Word{Text: w.Word, Confidence: w.Conf,
			Start: s.start + secs(w.Start), End: s.start + secs(w.End)})
	}
	return true
}

func (s *stream) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.endUtterance()
	s.closed = true
	return nil
}
