package utt

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

func TestDecode(t *testing.T) {
	long := strings.Repeat("x", MaxTextBytes+1)
	cases := []struct {
		name, subject, body, wantErr string
	}{
		{"minimal", "earshot.utt.r1", `{"schema":1,"session":"s","utterance":1,"text":"hi"}`, ""},
		{"stored subject", "earshot.uttp.3.r1", `{"schema":1,"session":"s","utterance":2,"final":true,"text":"hi","start_ms":10,"end_ms":20}`, ""},
		{"bad room", "earshot.utt.r*", `{"schema":1,"session":"s","utterance":1}`, "room id"},
		{"not json", "earshot.utt.r1", `hello`, "not a JSON utterance"},
		{"unknown field", "earshot.utt.r1", `{"schema":1,"session":"s","utterance":1,"txt":"x"}`, "unknown field"},
		{"schema", "earshot.utt.r1", `{"schema":2,"session":"s","utterance":1}`, "schema 2"},
		{"no session", "earshot.utt.r1", `{"schema":1,"utterance":1}`, "session"},
		{"no utterance", "earshot.utt.r1", `{"schema":1,"session":"s"}`, "utterance"},
		{"times", "earshot.utt.r1", `{"schema":1,"session":"s","utterance":1,"start_ms":5,"end_ms":4}`, "start_ms"},
		{"long text", "earshot.utt.r1", `{"schema":1,"session":"s","utterance":1,"text":"` + long + `"}`, "text"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, room, err := Decode(c.subject, []byte(c.body))
			if c.wantErr == "" {
				if err != nil || room != "r1" || m.Session != "s" {
					t.Fatalf("Decode = %+v, %q, %v", m, room, err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("error %v, want ErrInvalid naming %q", err, c.wantErr)
			}
		})
	}
}

// TestHeardRoundTrip: a hypothesis crosses the wire with everything the
// scanner and the index use (times at millisecond precision).
func TestHeardRoundTrip(t *testing.T) {
	h := pipeline.Heard{Room: pipeline.Room{ID: "r1", Anchor: "anna", Merchant: "m"}, Session: "s1",
		Hypothesis: transcript.Hypothesis{Utterance: 4, Final: true, Text: "it cures", Alternatives: []string{"it cure"},
			Start: 1500 * time.Millisecond, End: 2500 * time.Millisecond, Confidence: 0.5, Recognizer: "sphinx",
			Words: []transcript.Word{{Text: "it", Start: 1500 * time.Millisecond, End: 1700 * time.Millisecond}}}}
	got := FromHeard(h, false).Heard("r1")
	if got.Room != h.Room || got.Session != h.Session || got.Text != h.Text || got.Start != h.Start ||
		got.End != h.End || len(got.Words) != 1 || got.Words[0] != h.Words[0] || got.Alternatives[0] != "it cure" ||
		got.Utterance != 4 || !got.Final || got.Recognizer != "sphinx" {
		t.Fatalf("round trip: %+v, want %+v", got, h)
	}
}

// TestLazyTimeout: the scan handler's context makes its timer only when
// asked, then behaves as context.WithTimeout's; cancelled unused it is done.
func TestLazyTimeout(t *testing.T) {
	used := &lazyTimeout{d: time.Hour}
	if dl, ok := used.Deadline(); !ok || time.Until(dl) < 59*time.Minute {
		t.Fatalf("deadline %v, %v: want about an hour from now", dl, ok)
	}
	if used.Err() != nil {
		t.Fatalf("err %v before cancel", used.Err())
	}
	used.cancel()
	<-used.Done()
	if !errors.Is(used.Err(), context.Canceled) {
		t.Errorf("err %v after cancel, want context.Canceled", used.Err())
	}
	unused := &lazyTimeout{d: time.Hour}
	unused.cancel()
	if unused.stop != nil {
		t.Error("a timer was made for a context nobody asked")
	}
	<-unused.Done()
	if unused.Err() == nil {
		t.Error("an unused context is not done after cancel")
	}
	short := &lazyTimeout{d: time.Millisecond}
	<-short.Done()
	if !errors.Is(short.Err(), context.DeadlineExceeded) {
		t.Errorf("err %v, want DeadlineExceeded", short.Err())
	}
	short.cancel()
}
