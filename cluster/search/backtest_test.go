package search

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/lexicon/backtest"
	"github.com/earshot/earshot/transcript/store"
)

// backtestOver is an index node's backtest over st: both lexicons
// compiled from the request, as internal/app does.
func backtestOver(st *store.Store) func(context.Context, BacktestQuery) (*backtest.Report, error) {
	return func(ctx context.Context, q BacktestQuery) (*backtest.Report, error) {
		live, err := compileYAML(q.Live)
		if err != nil {
			return nil, err
		}
		draft, err := compileYAML(q.Draft)
		if err != nil {
			return nil, err
		}
		opts := backtest.Options{Examples: q.Examples}
		if q.Verdicts {
			opts.Dispositions = backtest.List(q.Dispositions)
		}
		return backtest.Run(ctx, st, live, draft, q.From, q.To, opts)
	}
}

func compileYAML(y []byte) (*lexicon.Engine, error) {
	lx, err := lexicon.Parse("test.yaml", y)
	if err != nil {
		return nil, err
	}
	return lexicon.Compile(lx, lexicon.Options{})
}

const (
	liveYAML = `format: 1
name: live
rules:
  - id: cure
    category: medical-claim
    severity: high
    patterns: ["cures diabetes"]
    reminder: No cure claims.
  - id: wechat
    category: private-goods
    severity: medium
    patterns: ["add my wechat"]
    reminder: No private deals.
`
	draftYAML = `format: 1
name: draft
rules:
  - id: cure
    category: medical-claim
    severity: high
    patterns: ["cures diabetes"]
    reminder: No cure claims.
  - id: best
    category: absolute-claim
    severity: medium
    patterns: ["number one in the world"]
    reminder: No absolute claims.
`
)

// TestFanoutBacktest: two index nodes, each holding different rooms, each
// run the backtest over their own share; the merged report counts every
// utterance and equals one store's run over everything. With one node
// silent the report is flagged partial, names it, and holds the other's
// share, within the deadline.
func TestFanoutBacktest(t *testing.T) {
	c := newCluster(t, 2, 300)
	ctx := context.Background()
	from, to := c.records[0].At.Add(-time.Minute), c.records[len(c.records)-1].At.Add(time.Minute)
	verdicts := []backtest.Disposition{
		{Room: c.records[0].Room, Session: "s1", Utterance: 0, RuleID: "cure", Verdict: backtest.Confirmed},
		{Room: c.records[2].Room, Session: "s1", Utterance: 2, RuleID: "wechat", Verdict: backtest.Dismissed},
	}
	q := BacktestQuery{Live: []byte(liveYAML), Draft: []byte(draftYAML), From: from, To: to, Verdicts: true, Dispositions: verdicts}
	for i, st := range c.stores {
		n := 0
		_ = st.Scan(ctx, from, to, func(store.Record) error { n++; return nil })
		if n == 0 || n == len(c.records) {
			t.Fatalf("node %d holds %d of %d utterances: want a share", i, n, len(c.records))
		}
	}
	got, err := c.fan.Backtest(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	want, err := backtestOver(c.whole)(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if got.Partial || len(got.Nodes) != 2 || got.Utterances != len(c.records) {
		t.Fatalf("partial %v, nodes %v, %d utterances: want both nodes, %d", got.Partial, got.Nodes, got.Utterances, len(c.records))
	}
	if g, w := summary(got), summary(want); g != w {
		t.Errorf("merged report differs from one store's:\n got %s\nwant %s", g, w)
	}
	if got.Gained == 0 || got.Lost == 0 || got.Dispositions.Total != 2 {
		t.Errorf("the corpus should gain and lose hits and see both verdicts: %+v", got)
	}

	kept := 0
	_ = c.stores[0].Scan(ctx, from, to, func(store.Record) error { kept++; return nil })
	c.nodes[1].Close() // registered, silent
	c.fan.opts.BacktestTimeout = 2 * time.Second
	start := time.Now()
	part, err := c.fan.Backtest(ctx, q)
	if err != nil {
		t.Fatalf("one node down: %v, want a partial report", err)
	}
	if !part.Partial || len(part.MissingNodes) != 1 || part.MissingNodes[0] != c.ids[1] || part.Utterances != kept {
		t.Fatalf("one node down: partial %v missing %v, %d utterances: want partial, missing %s, %d",
			part.Partial, part.MissingNodes, part.Utterances, c.ids[1], kept)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the partial report took %s: the deadline is 2 s", d)
	}
}

// summary is what a report says, its timings aside.
func summary(r *backtest.Report) string {
	return fmt.Sprintf("u=%d live=%d draft=%d gained=%d lost=%d kept=%d rules=%v cats=%v disp=%+v",
		r.Utterances, r.LiveHits, r.DraftHits, r.Gained, r.Lost, r.Kept, deltas(r), r.Categories, *r.Dispositions)
}

// deltas is the rules without their examples (which one store and the
// merge pick alike only in count).
func deltas(r *backtest.Report) []string {
	var out []string
	for _, d := range r.Rules {
		out = append(out, fmt.Sprintf("%s:%s:%d/%d/+%d/-%d/%dex", d.RuleID, d.Category, d.Live, d.Draft, d.Gained, d.Lost, len(d.Examples)))
	}
	return out
}

// BenchmarkBacktest measures, side by side in one run, a backtest of 3,000
// records in one store run directly against the same records spread over
// 1 and 3 index nodes and run through the fan-out (both lexicons sent and
// compiled on each node, reports merged).
func BenchmarkBacktest(b *testing.B) {
	const records = 3000
	for _, nodes := range []int{1, 3} {
		c := newCluster(b, nodes, records)
		from, to := c.records[0].At.Add(-time.Minute), c.records[len(c.records)-1].At.Add(time.Minute)
		q := BacktestQuery{Live: []byte(liveYAML), Draft: []byte(draftYAML), From: from, To: to}
		if nodes == 1 {
			b.Run("store", func(b *testing.B) {
				run(b, func() error { _, err := backtestOver(c.whole)(context.Background(), q); return err })
			})
		}
		b.Run(fmt.Sprintf("fanout-%d", nodes), func(b *testing.B) {
			run(b, func() error { _, err := c.fan.Backtest(context.Background(), q); return err })
		})
	}
}
