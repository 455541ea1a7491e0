package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/transcript"
)

func heard(room, session string, utt uint64, final bool, text string) Heard {
	return Heard{Room: Room{ID: room}, Session: session,
		Hypothesis: transcript.Hypothesis{Utterance: utt, Final: final, Text: text}}
}

// TestScannerPath walks two interleaved sessions through Scan: each rule
// alerts once per utterance and session, the hook sees every hypothesis,
// and each session's Stats count its own hypotheses, finals and alerts.
func TestScannerPath(t *testing.T) {
	sink := &recordSink{}
	var hooked []string
	sc, err := NewScanner(ScanConfig{
		Matcher: Static(wordMatcher{"v7", []string{"cure", "best"}}), Sink: sink,
		OnHypothesis: func(h Heard, hits []lexicon.Hit) {
			hooked = append(hooked, h.Room.ID+"/"+h.Session+":"+h.Text)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var a, b Stats
	sc.Begin(Room{ID: "r1", Anchor: "anna"}, "s1", &a)
	sc.Begin(Room{ID: "r2"}, "s2", &b)
	steps := []struct {
		h    Heard
		want []string
	}{
		{heard("r1", "s1", 1, false, "it cure"), []string{"r-cure"}},
		{heard("r2", "s2", 1, false, "cure"), []string{"r-cure"}}, // same utterance number, other session
		{heard("r1", "s1", 1, true, "it cure best"), []string{"r-best"}},
		{heard("r2", "s2", 1, true, "cure"), nil},
		{heard("r1", "s1", 2, true, "hello"), nil},
		{heard("r1", "s1", 3, true, "cure"), []string{"r-cure"}},
	}
	for i, st := range steps {
		got, err := sc.Scan(context.Background(), st.h)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if len(got) != len(st.want) {
			t.Fatalf("step %d: alerts %+v, want %v", i, got, st.want)
		}
		for j, al := range got {
			if al.RuleID != st.want[j] || al.Room != st.h.Room.ID || al.Session != st.h.Session ||
				al.Utterance != st.h.Utterance || al.LexiconVersion != "v7" || al.ID == "" {
				t.Errorf("step %d: alert %+v", i, al)
			}
			if al.Room == "r1" && al.Anchor != "anna" {
				t.Errorf("step %d: anchor from Begin missing: %+v", i, al)
			}
		}
	}
	if len(hooked) != len(steps) {
		t.Errorf("hook saw %d hypotheses, want %d: %v", len(hooked), len(steps), hooked)
	}
	for name, c := range map[string]struct {
		st               *Stats
		hyp, utt, alerts uint64
	}{"r1": {&a, 4, 3, 3}, "r2": {&b, 2, 1, 1}} {
		if c.st.Hypotheses.Load() != c.hyp || c.st.Utterances.Load() != c.utt || c.st.Alerts.Load() != c.alerts {
			t.Errorf("%s: hypotheses %d utterances %d alerts %d, want %d %d %d", name,
				c.st.Hypotheses.Load(), c.st.Utterances.Load(), c.st.Alerts.Load(), c.hyp, c.utt, c.alerts)
		}
	}
	if len(sink.alerts) != 4 {
		t.Errorf("sink got %d alerts, want 4", len(sink.alerts))
	}
}

// TestScannerEndForgetsSession: a session begun again after End starts
// with no memory of what fired, and an unbegun session is scanned too.
func TestScannerEndForgetsSession(t *testing.T) {
	sc, err := NewScanner(ScanConfig{Matcher: Static(wordMatcher{"v", []string{"cure"}}), Sink: &recordSink{}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i, want := range []int{1, 0} { // unbegun: begun on first sight, then dedup holds
		if got, _ := sc.Scan(ctx, heard("r", "s", 1, false, "cure")); len(got) != want {
			t.Fatalf("scan %d: %d alerts, want %d", i, len(got), want)
		}
	}
	sc.End("r", "s")
	if got, _ := sc.Scan(ctx, heard("r", "s", 1, true, "cure")); len(got) != 1 {
		t.Fatalf("after End: %d alerts, want 1", len(got))
	}
}

// TestScannerSinkFailure: a refused alert is reported, wrapped, and not
// counted. A sentence breaking two rules is one alert (grouped).
func TestScannerSinkFailure(t *testing.T) {
	sink := &recordSink{fail: errors.New("stream unavailable")}
	sc, err := NewScanner(ScanConfig{Matcher: Static(wordMatcher{"v", []string{"cure", "best"}}), Sink: sink})
	if err != nil {
		t.Fatal(err)
	}
	var st Stats
	sc.Begin(Room{ID: "r"}, "s", &st)
	got, err := sc.Scan(context.Background(), heard("r", "s", 1, true, "best cure"))
	if !errors.Is(err, sink.fail) || len(got) != 0 {
		t.Fatalf("Scan = %v, %v; want no alerts and the sink's error", got, err)
	}
	if n := strings.Count(err.Error(), "stream unavailable"); n != 1 {
		t.Errorf("error %q names %d failures, want the one grouped alert's", err, n)
	}
	if len(sink.tried) != 1 || len(sink.tried[0].Hits) != 2 {
		t.Errorf("sink was offered %+v, want one alert listing both hits", sink.tried)
	}
	if st.Alerts.Load() != 0 || st.Utterances.Load() != 1 {
		t.Errorf("alerts %d utterances %d, want 0 and 1", st.Alerts.Load(), st.Utterances.Load())
	}
}

func TestNewScannerRequiresMatcherAndSink(t *testing.T) {
	for _, cfg := range []ScanConfig{{}, {Matcher: Static(wordMatcher{})}, {Sink: &recordSink{}}} {
		if _, err := NewScanner(cfg); err == nil {
			t.Errorf("NewScanner(%+v) accepted a config without matcher or sink", cfg)
		}
	}
}

// TestHeardJSON pins the wire form of the path's input: room and session
// beside the hypothesis' own fields.
func TestHeardJSON(t *testing.T) {
	h := Heard{Room: Room{ID: "r1", Anchor: "a"}, Session: "s1", Hypothesis: transcript.Hypothesis{
		Utterance: 3, Final: true, Text: "hi", Start: time.Second, End: 2 * time.Second, Recognizer: "external"}}
	data, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"room":{"id":"r1","anchor":"a"},"session":"s1","utterance":3,"final":true,"text":"hi",` +
		`"start_ns":1000000000,"end_ns":2000000000,"recognizer":"external"}`
	if string(data) != want {
		t.Errorf("JSON\n got %s\nwant %s", data, want)
	}
	var back Heard
	if err := json.Unmarshal(data, &back); err != nil || back.Room != h.Room || back.Session != h.Session ||
		back.Utterance != 3 || back.End != h.End {
		t.Errorf("round trip: %+v, %v", back, err)
	}
}
