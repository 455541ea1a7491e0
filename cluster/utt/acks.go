package utt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// The scan role's consumers acknowledge with AckAll: one ack covers every
// message of the partition up to it. Messages of a partition are handled
// one at a time, in order, so when a message is handled so is everything
// delivered before it, and the role acks the latest handled message once
// per ackEvery messages or ackDelay, whichever comes first, instead of
// sending and having the server process one ack per hypothesis. Nothing is
// lost by it: a scanner that dies leaves at most that many handled
// messages unacknowledged, and the next owner scans them again (their
// alerts are dropped as duplicates by the alert stream's Nats-Msg-Id, so
// no reminder repeats), exactly as it rescans the one message in flight
// with per-message acks.
//
// A message whose scan failed (the alert store refused) is nak'd for a
// later redelivery, as before; but an ack of any later message would now
// cover it, so while one is held, nothing is acked: the partition goes on
// scanning, and its handled messages wait for the held one to be scanned
// again (or to reach the consumer's MaxDeliver, or heldFor). Past AckWait
// the server redelivers them and they are scanned again: during an outage
// of the alert store that costs CPU, never a hypothesis.
const (
	ackEvery = 128
	ackDelay = 20 * time.Millisecond
	// maxDeliver is the consumers' MaxDeliver: a message failed that often
	// is not redelivered, so it is held no more.
	maxDeliver = 10
	// heldFor bounds the wait for a held message's redelivery (1 s after
	// its nak, normally): one that never comes (the consumer was made
	// again) must not stop the partition's acks for good.
	heldFor = time.Minute
)

// acker batches the acks of one partition's consumer.
type acker struct {
	log *slog.Logger

	mu      sync.Mutex
	last    jetstream.Msg // the handled message of highest stream sequence, not yet acked
	lastSeq uint64
	n       int                  // handled since the last ack
	held    map[uint64]time.Time // stream sequences nak'd and not yet scanned again
	armed   bool                 // timer will flush
	timer   *time.Timer
}

func newAcker(log *slog.Logger) *acker {
	a := &acker{log: log, held: map[uint64]time.Time{}}
	a.timer = time.AfterFunc(time.Hour, a.tick)
	a.timer.Stop()
	return a
}

// done records msg (its metadata md, nil when it has none) as handled; it
// is acknowledged with a later ack.
func (a *acker) done(msg jetstream.Msg, md *jetstream.MsgMetadata) {
	if md == nil { // not a JetStream delivery: nothing to batch it with
		_ = msg.Ack()
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	seq := md.Sequence.Stream
	delete(a.held, seq)
	if seq > a.lastSeq || a.last == nil && seq == a.lastSeq {
		a.last, a.lastSeq = msg, seq
	}
	a.n++
	if !a.releasable(time.Now()) {
		return
	}
	if a.n >= ackEvery {
		a.ackLocked()
		return
	}
	if !a.armed {
		a.armed = true
		a.timer.Reset(ackDelay)
	}
}

// failed naks msg for a redelivery after delay and holds the partition's
// acks until it is scanned again.
func (a *acker) failed(msg jetstream.Msg, md *jetstream.MsgMetadata, delay time.Duration) {
	if md != nil && md.NumDelivered >= maxDeliver {
		a.log.Error("hypothesis given up: its scan failed on every delivery", "subject", msg.Subject(),
			"deliveries", md.NumDelivered)
		a.done(msg, md)
		return
	}
	if md != nil {
		a.mu.Lock()
		a.held[md.Sequence.Stream] = time.Now()
		a.mu.Unlock()
	}
	_ = msg.NakWithDelay(delay)
}

// releasable drops held messages whose redelivery is overdue and reports
// whether none is held.
func (a *acker) releasable(now time.Time) bool {
	for seq, at := range a.held {
		if now.Sub(at) > heldFor {
			a.log.Warn("a failed hypothesis was not redelivered; acknowledging past it", "stream_seq", seq)
			delete(a.held, seq)
		}
	}
	return len(a.held) == 0
}

// ackLocked acks the latest handled message; handled messages below an
// earlier ack (redeliveries) need none, so the count restarts either way.
func (a *acker) ackLocked() {
	if a.last != nil {
		_ = a.last.Ack()
	}
	a.last, a.n = nil, 0
}

func (a *acker) tick() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.armed = false
	if a.releasable(time.Now()) {
		a.ackLocked()
	}
}

// close acks what was handled (unless a message is held) and stops the
// timer: the partition is no longer consumed here.
func (a *acker) close() {
	a.timer.Stop()
	a.tick()
}

// scanConsumer makes or updates partition p's durable consumer. One made
// by an earlier version with per-message acks (AckExplicit, which the
// server cannot change in place) is made again with AckAll, from its ack
// floor on: what it had delivered and not seen acked is delivered again.
func (s *Scan) scanConsumer(ctx context.Context, p int) (jetstream.Consumer, error) {
	cfg := jetstream.ConsumerConfig{
		Durable: ConsumerName(p), FilterSubject: PartitionFilter(p),
		AckPolicy: jetstream.AckAllPolicy, AckWait: 5 * time.Second, MaxDeliver: maxDeliver,
		BackOff:       []time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second},
		MaxAckPending: 2048, DeliverPolicy: jetstream.DeliverAllPolicy,
	}
	c, err := s.js.CreateOrUpdateConsumer(ctx, Stream, cfg)
	var apiErr *jetstream.APIError
	if err == nil || !errors.As(err, &apiErr) || !strings.Contains(apiErr.Description, "can not be updated") {
		return c, err // made, updated, or an error of another kind
	}
	// The consumer exists with a setting the server keeps for its life:
	// per-message acks (an earlier version), or the start sequence it was
	// made again from.
	if c, err = s.js.Consumer(ctx, Stream, cfg.Durable); err != nil {
		return nil, err
	}
	old := c.CachedInfo()
	if old.Config.AckPolicy == jetstream.AckAllPolicy {
		// Where it starts is fixed once made (it may have been made from an
		// old consumer's floor): keep it.
		cfg.DeliverPolicy, cfg.OptStartSeq, cfg.OptStartTime = old.Config.DeliverPolicy, old.Config.OptStartSeq, old.Config.OptStartTime
		return s.js.CreateOrUpdateConsumer(ctx, Stream, cfg)
	}
	floor := old.AckFloor.Stream
	if err := s.js.DeleteConsumer(ctx, Stream, cfg.Durable); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return nil, fmt.Errorf("replacing the per-message-ack consumer: %w", err)
	}
	cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, floor+1
	s.opts.Logger.Info("scan consumer made again with batched acks", "consumer", cfg.Durable, "from_stream_seq", floor+1)
	return s.js.CreateOrUpdateConsumer(ctx, Stream, cfg)
}
