package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/earshot/earshot/cluster/search"
	"github.com/earshot/earshot/lexicon/backtest"
	"github.com/earshot/earshot/lexicon/version"
	"github.com/earshot/earshot/server"
	"github.com/earshot/earshot/transcript/store"
)

// backtestCluster runs a backtest on every index node over its own share
// of the transcripts (cluster/search) and returns their merged report,
// flagged partial when a node did not answer in time. The single process
// takes the same path over its own index role.
func (l *lexicons) backtestCluster(ctx context.Context, f *search.Fanout, live *version.Compiled, draft []byte,
	disp backtest.Dispositions, from, to time.Time) (*backtest.Report, error) {
	v, err := l.store.Get(ctx, live.Meta.Number)
	if err != nil {
		return nil, fmt.Errorf("backtest: the live version's source: %w", err)
	}
	q := search.BacktestQuery{Live: []byte(v.YAML), Draft: draft, From: from, To: to}
	if disp != nil {
		ds, err := disp.Dispositions(ctx, from, to)
		if err != nil {
			return nil, fmt.Errorf("backtest: reading dispositions: %w", err)
		}
		q.Verdicts, q.Dispositions = true, ds
	}
	rep, err := f.Backtest(ctx, q)
	if errors.Is(err, store.ErrUnavailable) {
		return nil, fmt.Errorf("%w: %w", server.ErrNoTranscripts, err)
	}
	return rep, err
}

// backtestShare is an index node's part of a cluster backtest: both
// lexicons compiled here, run over this node's store.
func (s *Service) backtestShare(ctx context.Context, q search.BacktestQuery) (*backtest.Report, error) {
	_, live, err := s.lex.store.Check("live.yaml", q.Live)
	if err != nil {
		return nil, fmt.Errorf("the live lexicon: %w", err)
	}
	_, draft, err := s.lex.store.Check("draft.yaml", q.Draft)
	if err != nil {
		return nil, fmt.Errorf("the draft: %w", err)
	}
	opts := backtest.Options{Examples: q.Examples}
	if q.Verdicts {
		opts.Dispositions = backtest.List(q.Dispositions)
	}
	return backtest.Run(ctx, s.transcripts, live, draft, q.From, q.To, opts)
}
