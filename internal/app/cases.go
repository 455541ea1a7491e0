package app

import (
	"context"
	"fmt"
	"time"

	"github.com/earshot/earshot/alerter/appeal"
	"github.com/earshot/earshot/alerter/cases"
	"github.com/earshot/earshot/server"
)

// caseQueue is the api role's case queue and appeals: every api node opens
// the store (its own index of every case) and binds the builder's shared
// durable consumers, so any node answers the queue and each alert is
// grouped once, by whichever node has it.
type caseQueue struct {
	store   *cases.Store
	builder *cases.Builder
	appeals *appeal.Store
}

// openCases adds the case queue and appeals to the API's options.
func (s *Service) openCases(ctx context.Context, opts server.Options) (server.Options, error) {
	js, err := s.jetStream()
	if err != nil {
		return opts, fmt.Errorf("cases: jetstream: %w", err)
	}
	retention := time.Duration(s.cfg.Alerts.Retention)
	st, err := cases.Open(ctx, js, cases.Options{Window: time.Duration(s.cfg.Alerts.CaseWindow), MaxAge: retention,
		MaxBytes: s.bounds.cases, Replicas: s.cfg.Cluster.Replicas, Logger: s.log.With("part", "cases")})
	if err != nil {
		return opts, err
	}
	s.cases.store = st
	if s.cases.builder, err = cases.StartBuilder(ctx, js, st, s.log.With("part", "cases")); err != nil {
		return opts, err
	}
	if s.cases.appeals, err = appeal.Open(ctx, s.nc, appeal.Options{MaxAge: retention, MaxBytes: s.bounds.appeals,
		Replicas: s.cfg.Cluster.Replicas, Logger: s.log.With("part", "appeals")}); err != nil {
		return opts, err
	}
	opts.Cases, opts.Appeals = st, s.cases.appeals
	return opts, nil
}

// caseStats is what /metrics reads; none before the API listens.
func (s *Service) caseStats() []cases.CategoryStats {
	if s.cases.store == nil {
		return nil
	}
	return s.cases.store.Stats()
}

// closeCases stops the builder (its unacknowledged alerts go to another
// node) and the index's watch, before NATS drains.
func (s *Service) closeCases() {
	if s.cases.builder != nil {
		s.cases.builder.Close()
	}
	if s.cases.store != nil {
		s.cases.store.Close()
	}
}
