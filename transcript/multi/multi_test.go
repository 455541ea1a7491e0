package multi

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/replay"
)

type named struct {
	transcript.Recognizer
	name string
}

func (n named) Name() string { return n.name }

func TestMulti(t *testing.T) {
	a := replay.New([]replay.Line{{EndMs: 500, Text: "add me on wechat"}})
	b := named{replay.New([]replay.Line{{EndMs: 800, Text: "wechat"}}), "kws"}
	if _, err := New(a, a); err == nil {
		t.Error("New accepted two recognizers of one name")
	}
	m, err := New(a, b)
	if err != nil {
		t.Fatal(err)
	}
	var got []transcript.Hypothesis
	s, err := m.Open(context.Background(), func(h transcript.Hypothesis) { got = append(got, h) })
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(make([]int16, 16000), 0); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	if len(got) != 2 || got[0].Utterance == got[1].Utterance || got[0].Recognizer != "replay" {
		t.Fatalf("hypotheses %+v: want one per engine, distinct utterances", got)
	}
	if m.Name() != "replay+kws" || got[1].End != 800*time.Millisecond || got[1].Recognizer != "kws" {
		t.Errorf("name %q, second %+v", m.Name(), got[1])
	}
}

// broken is an engine whose streams fail every Write.
type broken struct{}

func (broken) Name() string { return "broken" }
func (broken) Open(context.Context, transcript.Emit) (transcript.Stream, error) {
	return brokenStream{}, nil
}
func (broken) Close() error { return nil }

type brokenStream struct{}

func (brokenStream) Write([]int16, time.Duration) error { return errors.New("server gone") }
func (brokenStream) EndUtterance() error                { return nil }
func (brokenStream) Close() error                       { return nil }

// TestFailingEngineIsNamed: the error of one engine is returned, the other
// engine still hears the audio, and the log names the engine that failed.
func TestFailingEngineIsNamed(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	m, err := NewWith(Options{Logger: log}, replay.New([]replay.Line{{EndMs: 500, Text: "hello"}}), broken{})
	if err != nil {
		t.Fatal(err)
	}
	var got []transcript.Hypothesis
	s, err := m.Open(context.Background(), func(h transcript.Hypothesis) { got = append(got, h) })
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(make([]int16, 16000), 0); err == nil || !strings.Contains(err.Error(), "server gone") {
		t.Errorf("Write error %v, want the broken engine's", err)
	}
	_ = s.Close()
	if len(got) != 1 || got[0].Recognizer != "replay" {
		t.Errorf("hypotheses %+v, want replay's", got)
	}
	if !strings.Contains(buf.String(), "multi: engine failed") || !strings.Contains(buf.String(), "engine=broken") {
		t.Errorf("log does not name the failed engine:\n%s", buf.String())
	}
}
