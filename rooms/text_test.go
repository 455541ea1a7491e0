package rooms

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// TestUtterancesCountedLikeSpeech: text posted for a room goes down the
// same path as recognized speech: alerted once, handed to the transcript
// hook, and counted in the room's utterances and alerts.
func TestUtterancesCountedLikeSpeech(t *testing.T) {
	var mu sync.Mutex
	var hooked []pipeline.Heard
	sink := &testdouble.Sink{}
	r, err := Open(context.Background(), pipeline.Config{
		Recognizer: testdouble.Silent{}, Matcher: defaultMatcher(t), Sink: sink, Logger: testutil.Quiet(),
		OnHypothesis: func(h pipeline.Heard, _ []lexicon.Hit) {
			mu.Lock()
			defer mu.Unlock()
			hooked = append(hooked, h)
		},
	}, Options{Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	if _, err := r.Add(Spec{ID: "r1", Anchor: "anna", Source: SourceWHIP}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	steps := []struct {
		texts                     []string
		wantAlerts                int
		wantUtterances, wantTotal uint64 // room's utterances and alerts after the step
	}{
		{[]string{"add my wechat for a discount"}, 1, 1, 1},
		{[]string{"hello everyone", "this cream cures diabetes"}, 1, 3, 2},
		{[]string{"welcome back"}, 0, 4, 2},
	}
	for i, st := range steps {
		hs := make([]transcript.Hypothesis, len(st.texts))
		for j, text := range st.texts {
			hs[j] = transcript.Hypothesis{Final: true, Text: text, Recognizer: "external"}
		}
		alerts, err := r.Utterances(ctx, pipeline.Room{ID: "r1"}, hs)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if len(alerts) != st.wantAlerts {
			t.Fatalf("step %d: %d alerts, want %d: %+v", i, len(alerts), st.wantAlerts, alerts)
		}
		for _, a := range alerts {
			if a.Anchor != "anna" || !strings.HasPrefix(a.Session, "text-") {
				t.Errorf("step %d: alert lacks the registered anchor or the text session: %+v", i, a)
			}
		}
		s := state(r, "r1")
		if s.Utterance != st.wantUtterances || s.Alerts != st.wantTotal ||
			s.Total.Utterances != st.wantUtterances || s.Total.Alerts != st.wantTotal {
			t.Errorf("step %d: status utterances %d alerts %d (totals %d, %d), want %d and %d", i,
				s.Utterance, s.Alerts, s.Total.Utterances, s.Total.Alerts, st.wantUtterances, st.wantTotal)
		}
	}
	if got := len(sink.List()); got != 2 {
		t.Errorf("sink got %d alerts, want 2", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(hooked) != 4 {
		t.Fatalf("transcript hook saw %d utterances, want 4", len(hooked))
	}
	for i, h := range hooked {
		if h.Utterance != uint64(i+1) || h.Session != hooked[0].Session || h.Room.Anchor != "anna" {
			t.Errorf("hooked[%d] = %+v: want utterance %d of one text session", i, h, i+1)
		}
	}
}

func TestUtterancesWithoutMatcher(t *testing.T) {
	r := New(context.Background(), pipeline.Config{}, testutil.Quiet())
	t.Cleanup(r.Close)
	_, err := r.Utterances(context.Background(), pipeline.Room{ID: "r"}, []transcript.Hypothesis{{Final: true, Text: "x"}})
	if err == nil || !strings.Contains(err.Error(), "no matcher") {
		t.Fatalf("Utterances without a matcher: %v", err)
	}
}
