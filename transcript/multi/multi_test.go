package multi

import (
	"context"
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
