package search

import (
	"context"
	"sort"

	"github.com/earshot/earshot/lexicon/backtest"
)

// Backtest runs q on every index node, each over its own share of the
// transcripts, and adds their reports up (backtest.Merge). Nodes that did
// not answer within the deadline, or failed, are named in MissingNodes
// and make the report Partial; only when none answered is it an error.
func (f *Fanout) Backtest(ctx context.Context, q BacktestQuery) (*backtest.Report, error) {
	a, err := f.askWithin(ctx, subjectBacktest, request{Backtest: &q}, f.opts.BacktestTimeout)
	if err != nil {
		return nil, err
	}
	ok, err := a.split()
	if err != nil {
		return nil, err
	}
	parts := make([]*backtest.Report, 0, len(ok))
	var nodes []string
	for _, r := range ok {
		if r.Report != nil {
			parts = append(parts, r.Report)
			nodes = append(nodes, r.Node)
		}
	}
	rep := backtest.Merge(parts, q.Examples)
	if rep.From.IsZero() {
		rep.From, rep.To = q.From, q.To
	}
	sort.Strings(nodes)
	rep.Nodes, rep.MissingNodes, rep.Partial = nodes, a.missing, len(a.missing) > 0
	return rep, nil
}
