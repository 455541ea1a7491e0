package replay

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/transcript"
)

func TestReplay(t *testing.T) {
	lines, err := Load(filepath.Join("testdata", "zh.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var got []transcript.Hypothesis
	s, err := New(lines).Open(context.Background(), func(h transcript.Hypothesis) { got = append(got, h) })
	if err != nil {
		t.Fatal(err)
	}
	// Audio up to 5.5 s: the first three lines are due.
	for at := time.Duration(0); at < 5500*time.Millisecond; at += 100 * time.Millisecond {
		if err := s.Write(make([]int16, 1600), at); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 3 || got[1].Final || got[1].Utterance != got[2].Utterance || got[2].Text != "想要优惠的加我威信" {
		t.Fatalf("after 5.5 s: %+v", got)
	}
	// The last line started (6 s) but did not end before Close: no.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("Close emitted a line whose start the audio never reached: %+v", got[3:])
	}
	if err := s.Write(make([]int16, 1), 0); err != ErrClosed {
		t.Errorf("Write after Close = %v", err)
	}
}

func TestParseLineErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"start_ms":0,"end_ms":1}`, "text"},
		{`{"start_ms":5,"end_ms":1,"text":"x"}`, "bad span"},
		{`{"start_ms":0,"end_ms":1,"text":"x","extra":1}`, "unknown field"},
		{`{"start_ms":0,"end_ms":1,"text":"x"} {}`, "trailing"},
		{`not json`, "invalid"},
	} {
		if _, err := ParseLine([]byte(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseLine(%s) = %v, want error containing %q", tc.in, err, tc.want)
		}
	}
}

func FuzzParseLine(f *testing.F) {
	f.Add([]byte(`{"start_ms": 0, "end_ms": 10, "text": "加我微信", "final": false}`))
	f.Add([]byte(`{"start_ms": -1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ParseLine(b)
		if err != nil {
			return
		}
		if l.EndMs < l.StartMs || l.StartMs < 0 || strings.TrimSpace(l.Text) == "" {
			t.Fatalf("accepted %+v", l)
		}
	})
}
