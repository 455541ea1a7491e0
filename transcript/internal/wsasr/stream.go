package wsasr

import (
	"context"
	"sync"
	"time"

	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/internal/wsconn"
)

type stream struct {
	rec  *Recognizer
	emit transcript.Emit
	ctx  context.Context

	mu      sync.Mutex
	closed  bool
	conn    *wsconn.Conn // nil between utterances
	failed  bool         // this utterance lost its connection
	cur     Utterance
	utt     uint64
	start   time.Duration
	samples int
}

func (s *stream) Write(pcm []int16, offset time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return s.rec.errClosed
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
	if err := s.conn.SendBinary(s.rec.proto.Encode(pcm), s.rec.cfg.Timeout); err != nil {
		s.fail(err)
		return nil
	}
	before := s.cur.Text()
	for _, m := range s.conn.Poll() {
		if err := s.cur.Update(m); err != nil {
			s.ignore(err)
		}
	}
	if t := s.cur.Text(); t != "" && t != before {
		s.emit(s.hypothesis(false, t))
	}
	return nil
}

// begin starts an utterance and its connection.
func (s *stream) begin(offset time.Duration) {
	s.utt++
	s.start, s.samples, s.cur = offset, 0, s.rec.proto.NewUtterance()
	c, err := wsconn.Dial(s.ctx, s.rec.cfg.URL, nil, s.rec.cfg.Timeout)
	if hello := s.rec.proto.Hello(); err == nil && hello != "" {
		if err = c.SendText(hello, s.rec.cfg.Timeout); err != nil {
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
	s.rec.cfg.Logger.Warn(s.rec.proto.Name()+": utterance lost", "utterance", s.utt, "err", err)
	s.failed = true
	if s.conn != nil {
		_ = s.conn.Close()
		s.conn = nil
	}
}

func (s *stream) ignore(err error) {
	s.rec.cfg.Logger.Warn(s.rec.proto.Name()+": ignoring message", "err", err)
}

func (s *stream) hypothesis(final bool, text string) transcript.Hypothesis {
	h := transcript.Hypothesis{Utterance: s.utt, Final: final, Text: text, Start: s.start,
		End: s.start + time.Duration(s.samples)*time.Second/16000, Recognizer: s.rec.proto.Name()}
	if final {
		h.Words = s.cur.Words(s.start)
	}
	return h
}

func (s *stream) EndUtterance() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return s.rec.errClosed
	}
	s.endUtterance()
	return nil
}

// endUtterance ends the audio, collects answers until the server's last
// message, its close or the timeout, and emits the final.
func (s *stream) endUtterance() {
	defer func() { s.failed = false }()
	if s.conn == nil {
		return
	}
	c := s.conn
	s.conn = nil
	defer c.Close()
	if err := c.SendText(s.cur.End(), s.rec.cfg.Timeout); err != nil {
		s.fail(err)
		return
	}
	got := false
	err := c.Drain(s.rec.cfg.Timeout, func(b []byte) bool {
		g, last, err := s.cur.Final(b)
		if err != nil {
			s.ignore(err)
		}
		got = got || g
		return last
	})
	if err == nil && !got {
		err = s.cur.Closed()
	}
	if err != nil && !got {
		s.fail(err)
		return
	}
	if t := s.cur.Text(); t != "" {
		s.emit(s.hypothesis(true, t))
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
