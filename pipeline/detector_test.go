package pipeline

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/segment"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/transcript"
)

// wordMatcher fires rule "r-<word>" for each listed word in the text and
// names its version, so tests can see which matcher scanned what.
type wordMatcher struct {
	version string
	words   []string
}

func (m wordMatcher) Version() string { return m.version }
func (m wordMatcher) Match(h transcript.Hypothesis) []lexicon.Hit {
	var hits []lexicon.Hit
	for _, w := range m.words {
		if containsWord(h.Text, w) {
			hits = append(hits, lexicon.Hit{HitRule: &lexicon.HitRule{RuleID: "r-" + w, Category: "medical-claim", Severity: "high"}, MatchedText: w})
		}
	}
	return hits
}

func containsWord(text, w string) bool {
	for i := 0; i+len(w) <= len(text); i++ {
		if text[i:i+len(w)] == w {
			return true
		}
	}
	return false
}

// TestDetectorGroupsHits: a sentence breaking three rules gives one alert
// listing every hit, the most severe leading its top-level fields, with
// the real engine and the shipped lexicon; its partials stream.
func TestDetectorGroupsHits(t *testing.T) {
	lx, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	e, err := lexicon.Compile(lx, lexicon.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := NewDetector(Room{ID: "r"}, "s", Static(e))
	text := "全网最低价，这个霜能治愈糖尿病，加我微信"
	var alerts []alerter.Alert
	for i := 1; i <= len([]rune(text)); i++ {
		got, _ := d.Detect(transcript.Hypothesis{Utterance: 1, Text: string([]rune(text)[:i]), Final: i == len([]rune(text))})
		alerts = append(alerts, got...)
	}
	cats := map[string]bool{}
	for _, a := range alerts {
		for _, h := range a.AllHits() {
			cats[h.Category] = true
		}
	}
	if !cats["price-fraud"] || !cats["medical-claim"] || !cats["private-goods"] {
		t.Fatalf("partials gave categories %v, want price, medical and private-goods", cats)
	}
	d2 := NewDetector(Room{ID: "r"}, "s", Static(e))
	got, hits := d2.Detect(transcript.Hypothesis{Utterance: 1, Final: true, Text: text})
	if len(got) != 1 || len(got[0].Hits) != len(hits) || len(hits) < 3 {
		t.Fatalf("one sentence: %d alerts for %d hits, want one alert listing them all", len(got), len(hits))
	}
	a := got[0]
	for _, h := range a.Hits[1:] {
		if alerter.SeverityRank(h.Severity) > alerter.SeverityRank(a.Severity) {
			t.Errorf("leading hit %s (%s) is less severe than %s (%s)", a.RuleID, a.Severity, h.RuleID, h.Severity)
		}
	}
	if a.RuleID != a.Hits[0].RuleID || a.MatchedText != a.Hits[0].MatchedText || a.Context != text {
		t.Errorf("top-level fields %q %q %q are not the leading hit's and the sentence", a.RuleID, a.MatchedText, a.Context)
	}
}

func TestDetectorAlertsOncePerUtterance(t *testing.T) {
	d := NewDetector(Room{ID: "r"}, "s1", Static(wordMatcher{"v1", []string{"cure", "best"}}))
	steps := []struct {
		h    transcript.Hypothesis
		want []string
	}{
		{transcript.Hypothesis{Utterance: 1, Text: "it cure"}, []string{"r-cure"}},
		{transcript.Hypothesis{Utterance: 1, Text: "it cure all"}, nil},
		{transcript.Hypothesis{Utterance: 1, Final: true, Text: "it cure all best"}, []string{"r-best"}},
		{transcript.Hypothesis{Utterance: 2, Final: true, Text: "cure again"}, []string{"r-cure"}},
	}
	for i, st := range steps {
		alerts, hits := d.Detect(st.h)
		var got []string
		for _, a := range alerts {
			got = append(got, a.RuleID)
			if a.Session != "s1" || a.LexiconVersion != "v1" || a.Utterance != st.h.Utterance {
				t.Errorf("step %d: alert %+v lacks session, version or utterance", i, a)
			}
		}
		if len(got) != len(st.want) || (len(got) > 0 && got[0] != st.want[0]) {
			t.Errorf("step %d: alerts %v, want %v", i, got, st.want)
		}
		if len(hits) < len(got) {
			t.Errorf("step %d: %d hits reported for %d alerts", i, len(hits), len(got))
		}
	}
}

// countingMatcher is wordMatcher counting the hypotheses it matched.
type countingMatcher struct {
	wordMatcher
	n *int
}

func (m countingMatcher) Match(h transcript.Hypothesis) []lexicon.Hit {
	*m.n++
	return m.wordMatcher.Match(h)
}

// TestDetectorSkipsRepeatedPartials: a partial that repeats the previous
// hypothesis of its utterance is not matched again and reports the same
// hits with no alert; a changed one, a final, or the next utterance are
// matched.
func TestDetectorSkipsRepeatedPartials(t *testing.T) {
	matched := 0
	d := NewDetector(Room{ID: "r"}, "s1", Static(countingMatcher{wordMatcher{"v1", []string{"cure"}}, &matched}))
	steps := []struct {
		h               transcript.Hypothesis
		alerts, matched int
	}{
		{transcript.Hypothesis{Utterance: 1, Text: "it cure"}, 1, 1},
		{transcript.Hypothesis{Utterance: 1, Text: "it cure"}, 0, 1}, // repeated: skipped
		{transcript.Hypothesis{Utterance: 1, Text: "it cure", Alternatives: []string{"it cured"}}, 0, 2},
		{transcript.Hypothesis{Utterance: 1, Text: "it cure", Alternatives: []string{"it cured"}}, 0, 2},
		{transcript.Hypothesis{Utterance: 1, Text: "it cure", Alternatives: []string{"it cured"}, End: time.Second}, 0, 3},
		{transcript.Hypothesis{Utterance: 1, Final: true, Text: "it cure", Alternatives: []string{"it cured"}, End: time.Second}, 0, 4},
		{transcript.Hypothesis{Utterance: 2, Text: "it cure"}, 1, 5},
	}
	for i, st := range steps {
		alerts, hits := d.Detect(st.h)
		if len(alerts) != st.alerts || matched != st.matched {
			t.Errorf("step %d: %d alerts after %d matches, want %d after %d", i, len(alerts), matched, st.alerts, st.matched)
		}
		if len(hits) != 1 || hits[0].RuleID != "r-cure" {
			t.Errorf("step %d: hits %+v, want r-cure", i, hits)
		}
	}
}

// TestDetectorPinsVersionPerUtterance: a version published mid-utterance
// applies from the next utterance on.
func TestDetectorPinsVersionPerUtterance(t *testing.T) {
	var live atomic.Pointer[wordMatcher]
	live.Store(&wordMatcher{"v1", []string{"cure"}})
	d := NewDetector(Room{ID: "r"}, "s", func() lexicon.Matcher { return *live.Load() })
	d.Detect(transcript.Hypothesis{Utterance: 1, Text: "hello"})
	live.Store(&wordMatcher{"v2", []string{"best"}})
	alerts, _ := d.Detect(transcript.Hypothesis{Utterance: 1, Final: true, Text: "hello best cure"})
	if len(alerts) != 1 || alerts[0].RuleID != "r-cure" || alerts[0].LexiconVersion != "v1" {
		t.Fatalf("utterance 1 must stay on v1: %+v", alerts)
	}
	alerts, _ = d.Detect(transcript.Hypothesis{Utterance: 2, Final: true, Text: "best cure"})
	if len(alerts) != 1 || alerts[0].RuleID != "r-best" || alerts[0].LexiconVersion != "v2" {
		t.Fatalf("utterance 2 must use v2: %+v", alerts)
	}
}

// echoRecognizer "recognizes" each utterance as the count of chunks it got,
// and says "cure" when it got any audio: enough to see what the gate fed.
type echoRecognizer struct {
	mu     sync.Mutex
	writes int
}

func (r *echoRecognizer) Name() string { return "echo" }
func (r *echoRecognizer) Close() error { return nil }
func (r *echoRecognizer) Open(_ context.Context, emit transcript.Emit) (transcript.Stream, error) {
	return &echoStream{r: r, emit: emit}, nil
}

type echoStream struct {
	r       *echoRecognizer
	emit    transcript.Emit
	utt     uint64
	samples int
}

func (s *echoStream) Write(pcm []int16, _ time.Duration) error {
	s.r.mu.Lock()
	s.r.writes++
	s.r.mu.Unlock()
	s.samples += len(pcm)
	return nil
}

func (s *echoStream) EndUtterance() error {
	if s.samples > 0 {
		s.utt++
		s.emit(transcript.Hypothesis{Utterance: s.utt, Final: true, Text: "cure"})
	}
	s.samples = 0
	return nil
}

func (s *echoStream) Close() error { return s.EndUtterance() }

// burstSource emits 20 ms chunks: speech (loud square wave) for the given
// on-durations separated by silence.
type burstSource struct{ pattern []bool } // one entry per 20 ms

func (b burstSource) Describe() string { return "bursts" }
func (b burstSource) Run(ctx context.Context, emit ingest.Emit) error {
	for i, loud := range b.pattern {
		pcm := make([]int16, 320)
		if loud {
			for j := range pcm {
				pcm[j] = 8000
				if (j/8)%2 == 0 {
					pcm[j] = -8000
				}
			}
		}
		if err := emit(ingest.Chunk{Offset: time.Duration(i) * 20 * time.Millisecond, PCM: pcm}); err != nil {
			return err
		}
	}
	return ctx.Err()
}

type recordSink struct {
	mu     sync.Mutex
	alerts []alerter.Alert
	tried  []alerter.Alert // every alert offered, refused ones too
	fail   error
}

func (s *recordSink) Send(_ context.Context, a alerter.Alert) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tried = append(s.tried, a)
	if s.fail != nil {
		return s.fail
	}
	s.alerts = append(s.alerts, a)
	return nil
}
func (s *recordSink) Close() error { return nil }

func pattern(spans ...int) []bool { // alternating silence, speech, silence... in 20 ms units
	var p []bool
	for i, n := range spans {
		for range n {
			p = append(p, i%2 == 1)
		}
	}
	return p
}

func TestRunGatesSilenceAndEndsUtterances(t *testing.T) {
	rec := &echoRecognizer{}
	sink := &recordSink{}
	s := &Session{Room: Room{ID: "r"}, Source: burstSource{pattern(150, 50, 100, 50, 100)}, Lossless: true}
	err := Run(context.Background(), s, Config{
		Recognizer: rec, Matcher: Static(wordMatcher{"v", []string{"cure"}}), Sink: sink,
		NewSegmenter: func() segment.Segmenter { seg, _ := segment.NewEnergy(segment.Config{}); return seg },
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Stats.Utterances.Load(); got != 2 {
		t.Errorf("utterances = %d, want 2 (two bursts)", got)
	}
	if len(sink.alerts) != 2 {
		t.Errorf("alerts = %d, want one per utterance", len(sink.alerts))
	}
	// 450 chunks in all, 100 of them speech: silence must mostly stay out.
	if rec.writes > 200 || rec.writes < 100 {
		t.Errorf("recognizer got %d chunks; want speech plus a little pre-roll and hangover", rec.writes)
	}
	if s.Stats.Chunks.Load() != 450 || s.Stats.DroppedChunks.Load() != 0 {
		t.Errorf("lossless session: chunks %d dropped %d", s.Stats.Chunks.Load(), s.Stats.DroppedChunks.Load())
	}
}

func TestRunReportsSinkFailure(t *testing.T) {
	sink := &recordSink{fail: errors.New("stream unavailable")}
	s := &Session{Room: Room{ID: "r"}, Source: burstSource{pattern(10, 50, 40)}, Lossless: true}
	err := Run(context.Background(), s, Config{
		Recognizer: &echoRecognizer{}, Matcher: Static(wordMatcher{"v", []string{"cure"}}), Sink: sink,
		NewSegmenter: func() segment.Segmenter { seg, _ := segment.NewEnergy(segment.Config{}); return seg },
	})
	if err == nil || !errors.Is(err, sink.fail) {
		t.Fatalf("Run = %v, want the sink's error", err)
	}
}

func TestRunRequiresStages(t *testing.T) {
	if err := Run(context.Background(), &Session{Source: burstSource{}}, Config{}); err == nil {
		t.Fatal("Run without recognizer, matcher and sink must fail")
	}
}

// slowRecognizer takes 5 ms per write: slower than a fast source.
type slowRecognizer struct{ echoRecognizer }

func (r *slowRecognizer) Open(ctx context.Context, emit transcript.Emit) (transcript.Stream, error) {
	st, _ := r.echoRecognizer.Open(ctx, emit)
	return slowStream{st}, nil
}

type slowStream struct{ transcript.Stream }

func (s slowStream) Write(pcm []int16, off time.Duration) error {
	time.Sleep(5 * time.Millisecond) // pacing, not waiting: the slowness under test
	return s.Stream.Write(pcm, off)
}

// TestLiveSessionDropsInsteadOfBlocking: a live source must never wait for
// a slow recognizer; what does not fit the queue is dropped and counted.
func TestLiveSessionDropsInsteadOfBlocking(t *testing.T) {
	s := &Session{Room: Room{ID: "r"}, Source: burstSource{pattern(0, 400)}}
	err := Run(context.Background(), s, Config{
		Recognizer: &slowRecognizer{}, Matcher: Static(wordMatcher{"v", nil}), Sink: &recordSink{},
		QueueChunks: 10,
	})
	if err != nil {
		t.Fatal(err)
	}
	got, dropped := s.Stats.Chunks.Load(), s.Stats.DroppedChunks.Load()
	if got+dropped != 400 || dropped == 0 {
		t.Fatalf("queued %d + dropped %d, want 400 with drops", got, dropped)
	}
}
