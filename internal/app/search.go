package app

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/cluster/search"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/server"
)

// searchRole carries transcript reads over NATS (cluster/search): the
// index role answers its own store's share, the api role asks every
// registered index node and merges. The single process is both, over the
// embedded server: one code path.
type searchRole struct {
	registry *search.Registry
	server   *search.Server // index role; nil otherwise
	stop     context.CancelFunc
}

// transcriptsDir is where the transcript store of cfg lives.
func transcriptsDir(cfg config.Config) string {
	if cfg.Transcripts.Dir != "" {
		return cfg.Transcripts.Dir
	}
	return filepath.Join(cfg.DataDir, "transcripts")
}

// startSearch joins the index registry, and on an index node answers
// searches from the local store.
func (s *Service) startSearch(ctx context.Context, js jetstream.JetStream) error {
	if s.transcripts == nil || !(s.cfg.Cluster.Has("index") || s.cfg.Cluster.Has("api")) {
		return nil // only index nodes answer and api nodes ask
	}
	// Retried like every start-up step: a cluster still electing answers
	// with timeouts.
	err := s.retryStep(ctx, "index registry", func(ctx context.Context) (err error) {
		s.search.registry, err = search.OpenRegistry(ctx, js, search.RegistryOptions{
			Replicas: s.cfg.Cluster.Replicas, MaxBytes: s.bounds.indexNodes, Logger: s.log})
		return err
	})
	if err != nil {
		return err
	}
	if s.cfg.Cluster.Has("api") { // backtests run over every index node's share
		s.lex.mu.Lock()
		s.lex.cluster = s.fanout()
		s.lex.mu.Unlock()
	}
	if !s.cfg.Cluster.Has("index") {
		return nil
	}
	id, err := search.NodeID(transcriptsDir(s.cfg))
	if err != nil {
		return err
	}
	if s.search.server, err = search.Serve(s.nc, s.transcripts, search.ServeOptions{Node: id,
		Backtest: s.backtestShare, BacktestTimeout: time.Duration(s.cfg.Lexicon.BacktestTimeout), // backtest_cluster.go
		Logger: s.log.With("role", "index")}); err != nil {
		return err
	}
	rctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	s.search.stop = stop
	if err := s.retryStep(ctx, "index registration", func(context.Context) error {
		return s.search.registry.Register(rctx, id, s.roles.holder)
	}); err != nil {
		return fmt.Errorf("index node %s: %w", id, err)
	}
	s.log.Debug("index node answers transcript reads", "node", id)
	return nil
}

// transcriptSource is what the API reads transcripts from: every index
// node, through the fan-out; nil when transcripts are not kept.
func (s *Service) transcriptSource() server.Transcripts {
	if s.transcripts == nil || s.search.registry == nil {
		return nil
	}
	return s.fanout()
}

// fanout reads from every registered index node.
func (s *Service) fanout() *search.Fanout {
	// Past the nodes' own search budget, so a node's timeout arrives as
	// its answer rather than as silence.
	budget := searchLimits(s.cfg.Transcripts.Search).Timeout
	if budget <= 0 {
		budget = 5 * time.Second
	}
	bt := time.Duration(s.cfg.Lexicon.BacktestTimeout)
	if bt <= 0 {
		bt = search.DefaultBacktestTimeout
	}
	return search.NewFanout(s.nc, s.search.registry, search.FanoutOptions{Timeout: budget + time.Second,
		BacktestTimeout: bt + time.Second}) // a node's own deadline arrives as its answer
}

// stopSearch stops answering; the registration stays, so searches report
// this node missing until it is back (or forgotten).
func (s *Service) stopSearch() {
	if s.search.server != nil {
		s.search.server.Close()
	}
	if s.search.stop != nil {
		s.search.stop()
	}
}
