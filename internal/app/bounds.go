package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/appeal"
	"github.com/earshot/earshot/alerter/cases"
	"github.com/earshot/earshot/alerter/disposition"
	"github.com/earshot/earshot/alerter/escalation"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/alerter/webhook"
	"github.com/earshot/earshot/cluster/roomsync"
	"github.com/earshot/earshot/cluster/search"
	"github.com/earshot/earshot/cluster/utt"
	"github.com/earshot/earshot/internal/auth/revocation"
	"github.com/earshot/earshot/lexicon/version"
	"github.com/earshot/earshot/links"
	"github.com/earshot/earshot/reports"
	"github.com/earshot/earshot/trust"
)

// storeBounds are the MaxBytes of every stream and bucket the service
// makes. JetStream reserves each stream's MaxBytes against its storage
// limit, so together they must fit in it: a bound left at 0 in the
// configuration is the smaller of a fixed default and a share of that
// limit (the embedded server's is the size of the data dir's file system;
// an external cluster's, the account's limit when it has one).
type storeBounds struct {
	alerts, dispositions, lexicon, cooldown int64
	utt, dlq, leases, revocations           int64
	events, escalation, cases, appeals      int64
	indexNodes, trust, trustLease           int64
	// webhook jobs, delivery records, endpoints (alerter/webhook)
	webhookQueue, webhookDeliveries, webhookEndpoints int64
	reports                                           int64
	links, bans                                       int64
	rooms                                             int64
}

// A share of the storage limit and a fixed default for each; the shares
// add up to 79.4%, leaving the rest to whatever else the account keeps.
var boundShares = []struct {
	stream string
	share  float64
	def    int64
	dst    func(*storeBounds) *int64
}{
	// about 1.4 million alerts of 1.5 KB
	{alerter.AlertStream, 0.23, 2 << 30, func(b *storeBounds) *int64 { return &b.alerts }},
	// reminders, escalations, dispositions, appeals: a few hundred bytes each
	{alerter.EventStream, 0.06, 1 << 30, func(b *storeBounds) *int64 { return &b.events }},
	{utt.Stream, 0.14, 1 << 30, func(b *storeBounds) *int64 { return &b.utt }},
	// hundreds of versions of a large lexicon, with their history
	{"KV_" + version.Bucket, 0.05, 512 << 20, func(b *storeBounds) *int64 { return &b.lexicon }},
	// about half a million decisions of 1 KB with their history
	{"KV_" + disposition.Bucket, 0.05, 512 << 20, func(b *storeBounds) *int64 { return &b.dispositions }},
	{utt.DLQStream, 0.03, 256 << 20, func(b *storeBounds) *int64 { return &b.dlq }},
	// entries of a few hundred bytes that expire
	{"KV_" + natsink.CooldownBucket, 0.02, 64 << 20, func(b *storeBounds) *int64 { return &b.cooldown }},
	// leases are small and expire within seconds
	{"KV_" + ScanLeaseBucket, 0.01, 4 << 20, func(b *storeBounds) *int64 { return &b.leases }},
	// escalation counts and heeded deadlines: a few hundred bytes per
	// anchor and rule reminded within a day
	{"KV_" + escalation.Bucket, 0.01, 64 << 20, func(b *storeBounds) *int64 { return &b.escalation }},
	// one spec of a few hundred bytes per registered room
	{"KV_" + roomsync.Bucket, 0.01, 64 << 20, func(b *storeBounds) *int64 { return &b.rooms }},
	// one small entry per index node
	{"KV_" + search.Bucket, 0.002, 1 << 20, func(b *storeBounds) *int64 { return &b.indexNodes }},
	// reporters' records, alert links, polls and votes, and report dedup
	// keys that expire within the hour: a few hundred bytes each
	{"KV_" + reports.Bucket, 0.02, 256 << 20, func(b *storeBounds) *int64 { return &b.reports }},
	// revoked token ids and subjects, a few hundred bytes each
	{"KV_" + revocation.Bucket, 0.02, 64 << 20, func(b *storeBounds) *int64 { return &b.revocations }},
	// a case per anchor run (its hits' sentences) and a pointer per alert
	{"KV_" + cases.Bucket, 0.04, 512 << 20, func(b *storeBounds) *int64 { return &b.cases }},
	// an appeal per appealed alert, rare
	{"KV_" + appeal.Bucket, 0.01, 32 << 20, func(b *storeBounds) *int64 { return &b.appeals }},
	// one entry of about 1 KB per account and day, one of 200 bytes per alert
	{"KV_" + trust.Bucket, 0.03, 256 << 20, func(b *storeBounds) *int64 { return &b.trust }},
	{"KV_" + TrustLeaseBucket, 0.005, 4 << 20, func(b *storeBounds) *int64 { return &b.trustLease }},
	// webhook jobs waiting for their endpoint (each endpoint capped at
	// webhook_delivery.max_backlog), 1-2 KB each
	{webhook.QueueStream, 0.01, 256 << 20, func(b *storeBounds) *int64 { return &b.webhookQueue }},
	// one delivery record of ~500 bytes per event and endpoint, kept 7 days
	{"KV_" + webhook.DeliveryBucket, 0.015, 256 << 20, func(b *storeBounds) *int64 { return &b.webhookDeliveries }},
	// at most webhook_delivery.max_endpoints small entries
	{"KV_" + webhook.EndpointBucket, 0.002, 4 << 20, func(b *storeBounds) *int64 { return &b.webhookEndpoints }},
	// contact identifiers heard on air, about 1 KB per identifier and account; they expire
	{"KV_" + links.MentionBucket, 0.02, 256 << 20, func(b *storeBounds) *int64 { return &b.links }},
	// the ban list and benign marks, with a little history
	{"KV_" + links.BanBucket, 0.01, 32 << 20, func(b *storeBounds) *int64 { return &b.bans }},
}

// minBound keeps a bound useful on a tiny disk.
const minBound = 1 << 20

// storeBounds computes the bounds: the configured ones, else shares of the
// storage limit. A stream that exists with a larger MaxBytes keeps it, so
// a restart with less free disk never drops stored messages.
func (s *Service) storeBounds(ctx context.Context) (storeBounds, error) {
	js, err := jetstream.New(s.nc)
	if err != nil {
		return storeBounds{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	limit := int64(0)
	switch info, err := js.AccountInfo(ctx); {
	case s.nats != nil:
		limit = s.nats.StoreLimit()
	case s.cfg.NATS.StoreLimit > 0:
		limit = int64(s.cfg.NATS.StoreLimit)
	case err == nil && info.Limits.MaxStore > 0:
		limit = info.Limits.MaxStore
	}
	c := s.cfg
	configured := map[string]int64{
		alerter.AlertStream: int64(c.Alerts.MaxBytes), "KV_" + disposition.Bucket: int64(c.Alerts.DispositionsMaxBytes),
		"KV_" + version.Bucket: int64(c.Lexicon.MaxBytes), utt.Stream: int64(c.Cluster.MaxBytes),
		"KV_" + trust.Bucket:   int64(c.Trust.MaxBytes),
		"KV_" + reports.Bucket: int64(c.Reports.MaxBytes),
	}
	var b storeBounds
	for _, sh := range boundShares {
		v := configured[sh.stream]
		if v <= 0 {
			v = sh.def
			if limit > 0 {
				v = max(minBound, min(v, int64(sh.share*float64(limit))))
			}
			if st, err := js.Stream(ctx, sh.stream); err == nil && st.CachedInfo().Config.MaxBytes > v {
				v = st.CachedInfo().Config.MaxBytes
			} else if err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
				return storeBounds{}, err
			}
		}
		*sh.dst(&b) = v
	}
	s.log.Debug("stream bounds", "storage_limit", limit, "alerts", b.alerts, "utt", b.utt, "lexicon", b.lexicon,
		"dispositions", b.dispositions, "dlq", b.dlq, "cooldown", b.cooldown, "leases", b.leases, "revocations", b.revocations, "events", b.events, "escalation", b.escalation, "cases", b.cases, "appeals", b.appeals, "trust", b.trust)
	return b, nil
}

// storageRefused wraps a stream or bucket the servers refused for lack of
// JetStream storage with what to set: the servers' max_file_store cannot
// hold the reservations (MaxBytes) earshot's streams ask for.
func (s *Service) storageRefused(err error) error {
	var apiErr *jetstream.APIError
	if !errors.As(err, &apiErr) || (apiErr.ErrorCode != 10047 && apiErr.ErrorCode != 10023) {
		return err
	}
	b := s.bounds
	sum := b.alerts + b.dispositions + b.lexicon + b.cooldown + b.utt + b.dlq + b.leases + b.revocations + b.events
	return fmt.Errorf("%w: the NATS servers' JetStream storage cannot reserve the %d MiB earshot's streams ask for "+
		"(alerts %d MiB, events %d MiB, utterances %d MiB, ...): set nats.store_limit to the servers' max_file_store "+
		"(or less; every bound becomes a share of it), give the account a JetStream storage limit, set the bounds "+
		"themselves (alerts.max_bytes, cluster.max_bytes, lexicon.max_bytes, alerts.dispositions_max_bytes), "+
		"or raise max_file_store on the servers", err, sum>>20, b.alerts>>20, b.events>>20, b.utt>>20)
}
