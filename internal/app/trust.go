package app

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/cluster/lease"
	"github.com/earshot/earshot/cluster/utt"
	"github.com/earshot/earshot/trust"
)

// TrustLeaseBucket holds the trust ledger writer's claim.
const TrustLeaseBucket = "EARSHOT_TRUST_LEASE"

// trustRole is the trust ledger on this node (docs/trust.md). Every node
// with the api or index role watches the bucket into a view (api nodes
// answer /v1/trust from it); nodes with the index role run the writer,
// which only the holder of the claim trust-ledger runs, so a cluster of
// several index nodes counts every event once, with the others standing
// by to take over within the claim's TTL (3 s).
type trustRole struct {
	view   *trust.View
	ledger *trust.Ledger
	leases *lease.Table
	stop   context.CancelFunc
}

func (s *Service) startTrust(ctx context.Context) error {
	c := s.cfg
	if c.Trust.Disabled || !(c.Cluster.Has("api") || c.Cluster.Has("index")) {
		return nil
	}
	js, err := s.jetStream()
	if err != nil {
		return err
	}
	// The bucket and the lease are made like every other start-up step
	// (retryStep: a JetStream cluster may leave one of several concurrent
	// creates unanswered); the ledger's load has its own 10 s.
	var kv jetstream.KeyValue
	if err := s.retryStep(ctx, "trust bucket", func(ctx context.Context) (err error) {
		kv, err = trust.EnsureBucket(ctx, js, trust.BucketOptions{Window: c.Trust.WindowDays, History: c.Trust.HistoryDays,
			Replicas: c.Cluster.Replicas, MaxBytes: s.bounds.trust})
		return err
	}); err != nil {
		return err
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s.trust.view = trust.NewView(c.Trust.WindowDays, c.Trust.HistoryDays, nil)
	wctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	s.trust.stop = stop
	ready := make(chan struct{})
	if err := trust.Watch(wctx, kv, s.trust.view, s.log.With("role", "trust"), ready); err != nil {
		return err
	}
	select {
	case <-ready:
	case <-sctx.Done():
		return fmt.Errorf("trust: loading the ledger: %w", sctx.Err())
	}
	if !c.Cluster.Has("index") {
		return nil
	}
	if err := s.retryStep(ctx, "trust lease", func(ctx context.Context) (err error) {
		s.trust.leases, err = lease.Open(ctx, js, lease.Options{Bucket: TrustLeaseBucket, Holder: s.roles.holder,
			Replicas: c.Cluster.Replicas, MaxBytes: s.bounds.trustLease, Logger: s.log.With("role", "trust")})
		return err
	}); err != nil {
		return err
	}
	sources := append(trust.DefaultSources(), trust.Source{Stream: utt.Stream, Filter: utt.StoredPrefix + ".>",
		Mark: trust.StreamUtt, FlushHeader: utt.HeaderFlush})
	s.trust.ledger, err = trust.Start(s.nc, trust.Options{KV: kv, Sources: sources, Lookup: s.sink.Log().Alert,
		View: s.trust.view, Claim: s.trust.leases, Logger: s.log.With("role", "trust")})
	return err
}

// trustView is the view the API serves, nil when there is none (a nil
// *trust.View must not become a non-nil interface).
func (s *Service) trustView() *trust.View { return s.trust.view }

func (s *Service) stopTrust() {
	if s.trust.ledger != nil {
		s.trust.ledger.Close() // releases the claim
	}
	if s.trust.leases != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		s.trust.leases.Close(ctx)
		cancel()
	}
	if s.trust.stop != nil {
		s.trust.stop()
	}
}

// TrustWriter reports whether this node writes the trust ledger now (it
// holds the claim trust-ledger).
func (s *Service) TrustWriter() bool {
	return s.trust.leases != nil && s.trust.leases.Holds(trust.LeaderKey)
}
