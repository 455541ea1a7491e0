package app

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/cluster/utt"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/pipeline/transcripts"
	"github.com/earshot/earshot/rooms"
)

// roles are the stage roles of this node over the utterance stream
// (cluster/utt). A single process runs all of them over the embedded
// server: the same code path as a cluster, never a shortcut.
type roles struct {
	bus   *utt.Bus   // ingest and api: publishes hypotheses; nil otherwise
	scan  *utt.Scan  // scan role; nil otherwise
	index *utt.Index // index role; nil otherwise
}

// startRoles ensures the utterance streams and starts the scan and index
// roles this node has; the bus is made for ingest and api.
func (s *Service) startRoles(ctx context.Context) error {
	c := s.cfg.Cluster
	js, err := jetstream.New(s.nc)
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := utt.EnsureStreams(sctx, js, utt.StreamOptions{Partitions: c.Partitions, Replicas: c.Replicas}); err != nil {
		return err
	}
	if c.Has("ingest") || c.Has("api") {
		if s.roles.bus, err = utt.NewBus(s.nc, utt.BusOptions{Logger: s.log.With("role", "ingest")}); err != nil {
			return err
		}
	}
	if c.Has("scan") {
		sc, err := pipeline.NewScanner(pipeline.ScanConfig{Matcher: s.lex.matcher, Sink: s.sink, Logger: s.log.With("role", "scan")})
		if err != nil {
			return err
		}
		if s.roles.scan, err = utt.NewScan(s.nc, utt.ScanOptions{Scanner: sc, ClipURL: rooms.ClipPath,
			Partitions: c.Partitions, Logger: s.log.With("role", "scan")}); err != nil {
			return err
		}
		if err := s.roles.scan.OwnAll(sctx); err != nil {
			return err
		}
	}
	if c.Has("index") {
		s.roles.index, err = utt.StartIndex(sctx, js, utt.IndexOptions{Matcher: s.lex.matcher,
			Store: transcripts.Hook(s.transcripts, time.Now), Logger: s.log.With("role", "index")})
		if err != nil {
			return err
		}
	}
	return nil
}

// stopRoles stops the roles once the rooms have drained: their last
// hypotheses are scanned and indexed first.
func (s *Service) stopRoles() {
	if s.roles.bus != nil {
		_ = s.roles.bus.Close()
	}
	if s.roles.scan != nil {
		s.roles.scan.Close()
	}
	if s.roles.index != nil {
		s.roles.index.Close()
	}
}
