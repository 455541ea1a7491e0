package eval

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/ingest/segment"
	"github.com/earshot/earshot/ingest/wavfile"
	"github.com/earshot/earshot/internal/tts"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// DefaultSlack is how far a detection may lie outside its label's span and
// still count.
const DefaultSlack = time.Second

// Options configure a Run.
type Options struct {
	// Recognizer hears the audio cases; nil skips them.
	Recognizer transcript.Recognizer
	// Matcher is the lexicon version to test.
	Matcher pipeline.MatcherFunc
	// NewSegmenter is the voice-activity segmenter (the service's default
	// when nil is not implied: pass app.NewSegmenter for the real thing).
	NewSegmenter func() segment.Segmenter
	// Realtime paces every WAV at the wall clock and measures latency in
	// wall time; otherwise audio goes as fast as the recognizer takes it and
	// latency is measured on the stream clock.
	Realtime bool
	// Parallel is how many audio cases run at once (default 1).
	Parallel int
	// Slack widens label spans (default DefaultSlack).
	Slack  time.Duration
	Logger *slog.Logger
	// Progress, if set, is called after each audio case.
	Progress func(done, total int, r CaseResult)
}

// Run scores corpus c and returns the report.
func Run(ctx context.Context, c *Corpus, o Options) (*Report, error) {
	if o.Matcher == nil {
		return nil, errors.New("eval: Options.Matcher is required")
	}
	if o.Slack <= 0 {
		o.Slack = DefaultSlack
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	rep := &Report{LatencyMode: "stream", SlackMs: o.Slack.Milliseconds()}
	if o.Realtime {
		rep.LatencyMode = "wall"
	}
	if o.Recognizer != nil && len(c.Audio) > 0 {
		results, err := runAudio(ctx, c.Audio, o)
		if err != nil {
			return nil, err
		}
		rep.addAudio(results, o.Slack)
	}
	if len(c.Text) > 0 {
		rep.Text = scoreText(c.Text, o.Matcher)
	}
	return rep, nil
}

func runAudio(ctx context.Context, cases []AudioCase, o Options) ([]CaseResult, error) {
	results := make([]CaseResult, len(cases))
	errs := make([]error, len(cases))
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range max(o.Parallel, 1) {
		wg.Go(func() {
			for i := range next {
				results[i], errs[i] = RunCase(ctx, cases[i], o)
				mu.Lock()
				done++
				if o.Progress != nil && errs[i] == nil {
					o.Progress(done, len(cases), results[i])
				}
				mu.Unlock()
			}
		})
	}
	for i := range cases {
		select {
		case next <- i:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	return results, errors.Join(errs...)
}

// RunCase runs one WAV through pipeline.Run and records its alerts.
func RunCase(ctx context.Context, ac AudioCase, o Options) (CaseResult, error) {
	res := CaseResult{Name: ac.Name, Expect: ac.Expect, Detections: []Detection{}}
	src, err := wavfile.Open(ac.WAV, wavfile.Options{Realtime: o.Realtime})
	if err != nil {
		return res, fmt.Errorf("eval: %s: %w", ac.Name, err)
	}
	rec := &recorder{raisedAt: map[raiseKey]int64{}, start: time.Now(), wall: o.Realtime}
	s := &pipeline.Session{Room: pipeline.Room{ID: "eval"}, Source: src, Lossless: !o.Realtime}
	err = pipeline.Run(ctx, s, pipeline.Config{
		Recognizer: o.Recognizer, Matcher: o.Matcher, Sink: rec,
		NewSegmenter: o.NewSegmenter, Logger: o.Logger,
		OnHypothesis: func(h pipeline.Heard, hits []lexicon.Hit) { rec.onHypothesis(s, h.Hypothesis, hits) },
	})
	if err != nil {
		return res, fmt.Errorf("eval: %s: %w", ac.Name, err)
	}
	res.DurationMs = s.Stats.HeardMs.Load()
	if pcm, err := tts.ReadPCM(ac.WAV); err == nil {
		res.DurationMs = tts.Duration(len(pcm)).Milliseconds()
	}
	res.Detections = rec.detections()
	return res, nil
}

type raiseKey struct {
	utterance uint64
	rule      string
}

// recorder is the in-memory alert sink of one case. It notes, per
// utterance and rule, when a hit was first seen: that is when the
// Detector raised the alert.
type recorder struct {
	start time.Time
	wall  bool

	mu       sync.Mutex
	raisedAt map[raiseKey]int64
	alerts   []alerter.Alert
}

func (r *recorder) onHypothesis(s *pipeline.Session, h transcript.Hypothesis, hits []lexicon.Hit) {
	if len(hits) == 0 {
		return
	}
	at := s.Stats.HeardMs.Load()
	if r.wall {
		at = time.Since(r.start).Milliseconds()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, hit := range hits {
		k := raiseKey{h.Utterance, hit.RuleID}
		if _, ok := r.raisedAt[k]; !ok {
			r.raisedAt[k] = at
		}
	}
}

func (r *recorder) Send(_ context.Context, a alerter.Alert) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.alerts = append(r.alerts, a)
	return nil
}

func (r *recorder) Close() error { return nil }

func (r *recorder) detections() []Detection {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Detection, 0, len(r.alerts))
	for _, a := range r.alerts {
		out = append(out, Detection{Category: a.Category, RuleID: a.RuleID, StartMs: a.StartMs,
			EndMs: a.EndMs, AtMs: r.raisedAt[raiseKey{a.Utterance, a.RuleID}], Text: a.Context})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].AtMs < out[j].AtMs })
	return out
}
