package backtest

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/store"
)

// Source is the transcript store's read side.
type Source interface {
	Scan(ctx context.Context, from, to time.Time, fn func(store.Record) error) error
}

// Options tune a run.
type Options struct {
	// Examples per rule and direction; default 5.
	Examples int
	// Dispositions, if set, are compared too.
	Dispositions Dispositions
	// Workers matching in parallel; default GOMAXPROCS.
	Workers int
	// MaxUtterances stops the scan early (0: no limit); the report says so.
	MaxUtterances int
}

// Report is the difference between the draft and the live lexicon.
type Report struct {
	From       time.Time `json:"from"`
	To         time.Time `json:"to"`
	Utterances int       `json:"utterances"`
	Truncated  bool      `json:"truncated,omitempty"`
	LiveHits   int       `json:"live_hits"`
	DraftHits  int       `json:"draft_hits"`
	Gained     int       `json:"gained"`
	Lost       int       `json:"lost"`
	Kept       int       `json:"kept"`
	// Rules lists every rule with a hit in either version, biggest change
	// first.
	Rules        []RuleDelta      `json:"rules"`
	Categories   []CategoryDelta  `json:"categories"`
	Dispositions *DispositionDiff `json:"dispositions,omitempty"`
	ElapsedMs    float64          `json:"elapsed_ms"`
	PerSecond    float64          `json:"utterances_per_second"`
	// Nodes are the index nodes whose shares were scanned (a cluster's
	// backtest, cluster/search); MissingNodes did not answer in time, and
	// Partial says the report lacks their shares.
	Nodes        []string `json:"nodes,omitempty"`
	MissingNodes []string `json:"missing_nodes,omitempty"`
	Partial      bool     `json:"partial,omitempty"`
}

// RuleDelta is one rule's hits under each version.
type RuleDelta struct {
	RuleID   string    `json:"rule_id"`
	Category string    `json:"category"`
	Live     int       `json:"live"`
	Draft    int       `json:"draft"`
	Gained   int       `json:"gained"`
	Lost     int       `json:"lost"`
	Examples []Example `json:"examples,omitempty"`
}

// CategoryDelta sums RuleDelta by category.
type CategoryDelta struct {
	Category string `json:"category"`
	Live     int    `json:"live"`
	Draft    int    `json:"draft"`
	Gained   int    `json:"gained"`
	Lost     int    `json:"lost"`
}

// Example is one utterance whose hit changed; RecordID, Room, Session and
// Utterance link it to the transcript and its clip.
type Example struct {
	Change      string    `json:"change"` // gained or lost
	RecordID    string    `json:"record_id"`
	Room        string    `json:"room"`
	Session     string    `json:"session"`
	Utterance   uint64    `json:"utterance"`
	At          time.Time `json:"at"`
	StartMs     int64     `json:"start_ms"`
	EndMs       int64     `json:"end_ms"`
	Text        string    `json:"text"`
	MatchedText string    `json:"matched_text"`
}

// outcome is one record's result.
type outcome struct {
	rec          *store.Record
	live, draft  []lexicon.Hit
	gained, lost []lexicon.Hit
	kept         int
}

const batchSize = 256

// Run scans [from, to) and matches every record with live and draft.
func Run(ctx context.Context, src Source, live, draft lexicon.Matcher, from, to time.Time, opts Options) (*Report, error) {
	if src == nil || live == nil || draft == nil {
		return nil, errors.New("backtest: source, live and draft are required")
	}
	if !to.After(from) {
		return nil, fmt.Errorf("backtest: empty time range %s .. %s", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	if opts.Examples <= 0 {
		opts.Examples = 5
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	disp, err := loadDispositions(ctx, opts.Dispositions, from, to)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	agg := newAggregator(from, to, opts.Examples, disp)
	truncated, err := scanParallel(ctx, src, live, draft, from, to, opts, agg.add)
	if err != nil {
		return nil, err
	}
	rep := agg.report()
	rep.Truncated = truncated
	el := time.Since(start)
	rep.ElapsedMs = float64(el.Microseconds()) / 1000
	if el > 0 {
		rep.PerSecond = float64(rep.Utterances) / el.Seconds()
	}
	return rep, nil
}

// scanParallel reads records in batches, matches batches on Workers
// goroutines and hands outcomes to emit in scan order.
func scanParallel(ctx context.Context, src Source, live, draft lexicon.Matcher, from, to time.Time,
	opts Options, emit func(outcome)) (bool, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct {
		recs []store.Record
		out  chan []outcome
	}
	jobs := make(chan job, opts.Workers)
	order := make(chan chan []outcome, opts.Workers*2)
	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.out <- matchBatch(j.recs, live, draft)
			}
		}()
	}
	mergeDone := make(chan struct{})
	go func() {
		defer close(mergeDone)
		for ch := range order {
			for _, o := range <-ch {
				emit(o)
			}
		}
	}()
	var batch []store.Record
	n, truncated := 0, false
	flush := func() {
		if len(batch) == 0 {
			return
		}
		j := job{recs: batch, out: make(chan []outcome, 1)}
		order <- j.out
		jobs <- j
		batch = nil
	}
	errStop := errors.New("stop")
	err := src.Scan(ctx, from, to, func(r store.Record) error {
		if opts.MaxUtterances > 0 && n >= opts.MaxUtterances {
			truncated = true
			return errStop
		}
		n++
		batch = append(batch, r)
		if len(batch) == batchSize {
			flush()
		}
		return ctx.Err()
	})
	flush()
	close(jobs)
	wg.Wait()
	close(order)
	<-mergeDone
	if err != nil && !errors.Is(err, errStop) {
		return false, fmt.Errorf("backtest: scanning transcripts: %w", err)
	}
	return truncated, nil
}

func matchBatch(recs []store.Record, live, draft lexicon.Matcher) []outcome {
	out := make([]outcome, len(recs))
	for i := range recs {
		r := &recs[i]
		h := transcript.Hypothesis{Text: r.Text, Words: r.Words, Final: true, Utterance: r.Utterance,
			Start: time.Duration(r.StartMs) * time.Millisecond, End: time.Duration(r.EndMs) * time.Millisecond}
		o := outcome{rec: r, live: live.Match(h), draft: draft.Match(h)}
		o.gained, o.lost, o.kept = compareHits(o.live, o.draft)
		out[i] = o
	}
	return out
}

// compareHits splits hits by rule id: Match returns at most one hit per
// rule, so a rule either fires in a version or not.
func compareHits(live, draft []lexicon.Hit) (gained, lost []lexicon.Hit, kept int) {
	for _, d := range draft {
		if find(live, d.RuleID) < 0 {
			gained = append(gained, d)
		} else {
			kept++
		}
	}
	for _, l := range live {
		if find(draft, l.RuleID) < 0 {
			lost = append(lost, l)
		}
	}
	return gained, lost, kept
}

func find(hits []lexicon.Hit, id string) int {
	for i, h := range hits {
		if h.RuleID == id {
			return i
		}
	}
	return -1
}

func sortDeltas(rs []RuleDelta) {
	sort.Slice(rs, func(i, j int) bool {
		ci, cj := rs[i].Gained+rs[i].Lost, rs[j].Gained+rs[j].Lost
		if ci != cj {
			return ci > cj
		}
		return rs[i].RuleID < rs[j].RuleID
	})
}
