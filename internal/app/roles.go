package app

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/nats-io/nuid"

	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/cluster/lease"
	"github.com/earshot/earshot/cluster/placement"
	"github.com/earshot/earshot/cluster/status"

	"github.com/earshot/earshot/cluster/utt"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/pipeline/transcripts"
	"github.com/earshot/earshot/rooms"
)

// roles are the stage roles of this node over the utterance stream
// (cluster/utt). A single process runs all of them over the embedded
// server: the same code path as a cluster, never a shortcut.
type roles struct {
	holder string    // this node's name in leases
	bus    *utt.Bus  // ingest and api: publishes hypotheses; nil otherwise
	scan   *utt.Scan // scan role; nil otherwise
	leases *lease.Table
	stop   context.CancelFunc // stops the partition balancer
	done   chan struct{}
	index  *utt.Index // index role; nil otherwise
	// place decides which ingest worker pulls each registered room (ingest
	// role; the single process always wins its own rooms).
	place *placement.Placement
	// view reads the room claims on a node without the ingest role, to
	// send WHIP publishers to the worker that owns the room.
	view  *placement.View
	nodes *lease.Table // this node's presence claim
	// spools keep what could not be published while NATS was unreachable
	// (spool.go); empty with the embedded server.
	spools spools
}

// ScanLeaseBucket holds the scanners' presence and partition claims.
const ScanLeaseBucket = status.ScanLeaseBucket

// holderName names this process in leases: host, pid and a random suffix,
// so a restarted process never mistakes its predecessor's claims for its
// own.
func holderName() string {
	host, _ := os.Hostname()
	id := nuid.Next()
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), id[len(id)-6:])
}

// startRoles ensures the utterance streams and starts the scan and index
// roles this node has; the bus is made for ingest and api.
func (s *Service) startRoles(ctx context.Context) error {
	c := s.cfg.Cluster
	s.roles.holder = holderName()
	js, err := s.jetStream()
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	// Each step is retried while NATS is down or a new cluster elects its
	// leaders (startup.go), each try bounded by attemptTimeout.
	if err := s.retryStep(ctx, "utterance streams", func(ctx context.Context) error {
		return utt.EnsureStreams(ctx, js, utt.StreamOptions{Partitions: c.Partitions, Replicas: c.Replicas,
			MaxBytes: s.bounds.utt, DLQMaxBytes: s.bounds.dlq})
	}); err != nil {
		return err
	}
	// Every node says it is alive and which roles it runs (earshot cluster
	// status); the claim goes when the node drains or dies, and is taken
	// again whenever it was lost (a NATS server of the cluster died).
	if err := s.retryStep(ctx, "node presence", func(ctx context.Context) (err error) {
		s.roles.nodes, err = lease.Open(ctx, js, lease.Options{Bucket: status.NodesBucket, Holder: s.roles.holder,
			Replicas: c.Replicas, Logger: s.log})
		return err
	}); err != nil {
		return err
	}
	s.roles.nodes.SetInfo(status.NodeInfo{Roles: c.Roles, HTTP: s.cfg.HTTP.Addr}) // every node serves HTTP (workerhttp.go)
	s.roles.nodes.Keep(s.roles.holder)
	if c.Has("ingest") || c.Has("api") {
		bo := utt.BusOptions{Logger: s.log.With("role", "ingest"), Spool: s.roles.spools.utt}
		if s.nats != nil {
			bo.Health = s.nats.StreamWritable // refuse posted text at once, naming why, while the disk is full
		}
		if s.roles.bus, err = utt.NewBus(s.nc, bo); err != nil {
			return err
		}
	}
	if c.Has("ingest") {
		if err := s.retryStep(ctx, "room placement", func(ctx context.Context) (err error) {
			s.roles.place, err = placement.Start(ctx, js, placement.Options{Holder: s.roles.holder, Addr: s.cfg.HTTP.Addr,
				Replicas: c.Replicas, Logger: s.log.With("role", "ingest")})
			return err
		}); err != nil {
			return err
		}
	}
	if !c.Has("ingest") && c.Has("api") { // whipredirect.go: publishers sent on to the ingest workers
		s.roles.view = placement.NewView(js)
	}
	if c.Has("scan") {
		sc, err := pipeline.NewScanner(pipeline.ScanConfig{Matcher: s.lex.matcher, Sink: s.sink, Linker: s.linker(), Logger: s.log.With("role", "scan")})
		if err != nil {
			return err
		}
		if s.roles.scan, err = utt.NewScan(s.nc, utt.ScanOptions{Scanner: sc, ClipURL: rooms.ClipPath,
			Partitions: c.Partitions, Logger: s.log.With("role", "scan")}); err != nil {
			return err
		}
		// Partitions are consumed only under a lease, in one process as in a
		// cluster: the scanner that holds partition p's claim scans its rooms.
		if err := s.retryStep(ctx, "scan leases", func(ctx context.Context) (err error) {
			s.roles.leases, err = lease.Open(ctx, js, lease.Options{Bucket: ScanLeaseBucket, Holder: s.roles.holder,
				Replicas: c.Replicas, MaxBytes: s.bounds.leases, OnLost: s.roles.scan.OnLeaseLost, Logger: s.log.With("role", "scan")})
			return err
		}); err != nil {
			return err
		}
		bctx, stop := context.WithCancel(context.WithoutCancel(ctx))
		s.roles.stop, s.roles.done = stop, make(chan struct{})
		go func() {
			defer close(s.roles.done)
			s.roles.scan.Balance(bctx, s.roles.leases, s.roles.holder, time.Second)
		}()
	}
	if err := s.startSearch(ctx, js); err != nil { // search.go
		return err
	}
	if c.Has("index") {
		if err := s.retryStep(ctx, "index consumer", func(ctx context.Context) (err error) {
			s.roles.index, err = utt.StartIndex(ctx, js, utt.IndexOptions{Matcher: s.lex.matcher,
				Put: transcripts.Put(s.transcripts, time.Now), Logger: s.log.With("role", "index")})
			return err
		}); err != nil {
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
		if s.roles.stop != nil {
			s.roles.stop()
			<-s.roles.done
		}
		s.roles.scan.Close() // drains the partitions' consumers, then their claims go
		if s.roles.leases != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			s.roles.leases.Close(ctx)
			cancel()
		}
	}
	if s.roles.index != nil {
		s.roles.index.Close()
	}
	if s.roles.nodes != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		s.roles.nodes.Close(ctx)
		cancel()
	}
	if s.roles.place != nil { // the rooms released their claims as they stopped
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		s.roles.place.Close(ctx)
		cancel()
	}
}

// sharedCooldown is the reminder cooldown every scanner shares.
func (s *Service) sharedCooldown(ctx context.Context, replicas int, maxBytes int64) (natsink.SharedCooldown, error) {
	js, err := s.jetStream()
	if err != nil {
		return nil, err
	}
	return natsink.KVCooldown(ctx, js, natsink.DefaultRepeatReset, replicas, maxBytes)
}

// ensureEvents makes the stream that records reminders, escalations,
// dispositions and appeals for webhooks and the trust ledger.
func (s *Service) ensureEvents(ctx context.Context) error {
	js, err := s.jetStream()
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	_, err = natsink.EnsureEvents(ctx, js, natsink.EventOptions{Replicas: s.cfg.Cluster.Replicas,
		MaxBytes: s.bounds.events, MaxAge: time.Duration(s.cfg.Alerts.Retention)})
	return err
}
