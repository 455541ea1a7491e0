package wsasrtest

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/internal/fakeasr"
)

// Fake is a fakeasr WebSocket server.
type Fake interface {
	URL() string
	Close()
	Violations() []string
	Samples() []int
}

// Recognizer is a WebSocket recognizer under test.
type Recognizer interface {
	transcript.Recognizer
	Errors() uint64
}

// Target is one protocol: its fake, its constructor, and the error its
// closed streams return.
type Target struct {
	NewFake   func(text string, b fakeasr.Behavior) Fake
	New       func(url string, timeout time.Duration, log *slog.Logger) (Recognizer, error)
	ErrClosed error
}

// FakeOf adapts a fakeasr constructor to Target.NewFake.
func FakeOf[F Fake](newFake func(string, fakeasr.Behavior) F) func(string, fakeasr.Behavior) Fake {
	return func(text string, b fakeasr.Behavior) Fake { return newFake(text, b) }
}

// NewOf adapts a recognizer's New to Target.New; its Config must have the
// fields of wsasr.Config.
func NewOf[C ~struct {
	URL     string
	Timeout time.Duration
	Logger  *slog.Logger
}, R Recognizer](newRec func(C) (R, error)) func(string, time.Duration, *slog.Logger) (Recognizer, error) {
	return func(url string, timeout time.Duration, log *slog.Logger) (Recognizer, error) {
		r, err := newRec(C{URL: url, Timeout: timeout, Logger: log})
		if err != nil {
			return nil, err // not a typed nil in an interface
		}
		return r, nil
	}
}

// Run runs the shared behaviour tests against tg.
func Run(t *testing.T, tg Target) {
	t.Run("final", func(t *testing.T) { testFinal(t, tg) })
	t.Run("partials and utterances", func(t *testing.T) { testPartials(t, tg) })
	t.Run("unreachable", func(t *testing.T) { testUnreachable(t, tg) })
	t.Run("bad url", func(t *testing.T) { testBadURL(t, tg) })
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// open makes a recognizer for url and opens a stream on it.
func open(t *testing.T, tg Target, url string, timeout time.Duration) (Recognizer, transcript.Stream, *testdouble.Collector) {
	t.Helper()
	r, err := tg.New(url, timeout, quiet())
	if err != nil {
		t.Fatal(err)
	}
	c := &testdouble.Collector{}
	s, err := r.Open(context.Background(), c.Emit)
	if err != nil {
		t.Fatal(err)
	}
	return r, s, c
}

// feed writes secs of audio in 100 ms chunks from stream time at.
func feed(t *testing.T, s transcript.Stream, secs float64, at time.Duration) {
	t.Helper()
	chunk := make([]int16, 1600)
	for i := range chunk {
		chunk[i] = int16(i % 300)
	}
	for i := 0; i < int(secs*10); i++ {
		if err := s.Write(chunk, at+time.Duration(i)*100*time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
}

func testBadURL(t *testing.T, tg Target) {
	for _, u := range []string{"", "http://x:1", "ws://", "::"} {
		if _, err := tg.New(u, 0, quiet()); err == nil || !strings.Contains(err.Error(), "url") {
			t.Errorf("New(%q) = %v, want a url error", u, err)
		}
	}
}
