package sherpa

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/internal/wsconn"
)

// ErrClosed is returned by a closed stream.
var ErrClosed = errors.New("sherpa: stream closed")

type stream struct {
	rec  *Recognizer
	emit transcript.Emit
	ctx  context.Context

	mu       sync.Mutex
	closed   bool
	conn     *wsconn.Conn
	failed   bool
	utt      uint64
	start    time.Duration
	samples  int
	segments map[int]Result // latest result of each server segment
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
	buf := make([]byte, 4*len(pcm))
	for i, v := range pcm {
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(float32(v)/32768))
	}
	if err := s.conn.SendBinary(buf, s.rec.cfg.Timeout); err != nil {
		s.fail(err)
		return nil
	}
	before := s.text()
	for _, m := range s.conn.Poll() {
		s.apply(m)
	}
	if t := s.text(); t != "" && t != before {
		s.emit(transcript.Hypothesis{Utterance: s.utt, Text: t, Start: s.start, End: s.end(), Recognizer: "sherpa"})
	}
	return nil
}

func (s *stream) begin(offset time.Duration) {
	s.utt++
	s.start, s.samples, s.segments = offset, 0, map[int]Result{}
	c, err := wsconn.Dial(s.ctx, s.rec.cfg.URL, nil, s.rec.cfg.Timeout)
	if err != nil {
		s.fail(err)
		return
	}
	s.conn = c
}

func (s *stream) fail(err error) {
	s.rec.errors.Add(1)
	s.rec.cfg.Logger.Warn("sherpa: utterance lost", "utterance", s.utt, "err", err)
	s.failed = true
	if s.conn != nil {
		_ = s.conn.Close()
		s.conn = nil
	}
}

// apply records one message; it reports "Done!".
func (s *stream) apply(b []byte) bool {
	if string(b) == DoneMessage {
		return true
	}
	r, err := Decode(b)
	if err != nil {
		s.rec.cfg.Logger.Warn("sherpa: ignoring message", "err", err)
		return false
	}
	s.segments[r.Segment] = r
	return false
}

func (s *stream) ordered() []Result {
	keys := make([]int, 0, len(s.segments))
	for k := range s.segments {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	out := make([]Result, len(keys))
	for i, k := range keys {
		out[i] = s.segments[k]
	}
	return out
}

func (s *stream) text() string {
	var parts []string
	for _, r := range s.ordered() {
		if t := strings.TrimSpace(r.Text); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.ToLower(strings.Join(parts, " "))
}

func (s *stream) words() []transcript.Word {
	var out []transcript.Word
	for _, r := range s.ordered() {
		for _, w := range r.words() {
			out = append(out, transcript.Word{Text: w.text,
				Start: s.start + secs(w.start), End: s.start + secs(w.end)})
		}
	}
	return out
}

func secs(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

func (s *stream) end() time.Duration {
	return s.start + time.Duration(s.samples)*time.Second/16000
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

func (s *stream) endUtterance() {
	if s.conn == nil {
		s.failed = false
		return
	}
	c := s.conn
	s.conn = nil
	defer c.Close()
	defer func() { s.failed = false }()
	if err := c.SendText("Done", s.rec.cfg.Timeout); err != nil {
		s.fail(err)
		return
	}
	done := false
	err := c.Drain(s.rec.cfg.Timeout, func(b []byte) bool {
		done = s.apply(b)
		return done
	})
	if err == nil && !done {
		err = errors.New(`sherpa: server closed before "Done!"`)
	}
	if err != nil {
		s.fail(err)
		return
	}
	if t := s.text(); t != "" {
		s.emit(transcript.Hypothesis{Utterance: s.utt, Final: true, Text: t, Words: s.words(),
			Start: s.start, End: s.end(), Recognizer: "sherpa"})
	}
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
