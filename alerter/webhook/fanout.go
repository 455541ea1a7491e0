package webhook

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/api"
)

// startFanout attaches this node to the shared fan-out consumer of each
// source stream, after making sure each exists. A new consumer starts at
// new events: an endpoint gets what happens after it is added, not a
// month of history.
func (s *Service) startFanout(ctx context.Context) error {
	made := time.Now() // a consumer lost from here on is made again from here
	for _, src := range eventStreams {
		if _, err := s.fanoutConsumer(ctx, src.name, src.filters, time.Time{}); err != nil {
			return err
		}
	}
	for _, src := range eventStreams {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			lost := made
			for s.ctx.Err() == nil {
				seen, err := s.runFanout(src.name, src.filters, lost)
				if s.ctx.Err() != nil {
					return
				}
				if !seen.IsZero() {
					lost = seen
				}
				// The stream was deleted and made again (the alert sink
				// does that), or NATS is away: attach again.
				s.log.Warn("webhook fan-out stopped; attaching again", "stream", src.name, "err", err)
				select {
				case <-s.ctx.Done():
				case <-time.After(time.Second):
				}
			}
		}()
	}
	return nil
}

// fanoutConsumer makes or updates the fan-out consumer of stream. Made
// again after it was lost (the stream deleted and made again), it starts
// at the time it was lost rather than at new events, so what was stored
// meanwhile is not skipped.
func (s *Service) fanoutConsumer(ctx context.Context, stream string, filters []string, lost time.Time) (jetstream.Consumer, error) {
	cfg := jetstream.ConsumerConfig{
		Durable:        fanoutConsumer,
		Description:    "earshot webhooks: fans events out to the endpoints' queues",
		FilterSubjects: filters,
		DeliverPolicy:  jetstream.DeliverNewPolicy,
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        30 * time.Second,
		MaxAckPending:  1024,
	}
	if !lost.IsZero() {
		if c, err := s.js.Consumer(ctx, stream, fanoutConsumer); err == nil {
			return c, nil
		}
		cfg.DeliverPolicy, cfg.OptStartTime = jetstream.DeliverByStartTimePolicy, &lost
	}
	c, err := s.js.CreateOrUpdateConsumer(ctx, stream, cfg)
	if err != nil {
		return nil, fmt.Errorf("webhooks: fan-out consumer on %s: %w", stream, err)
	}
	return c, nil
}

// runFanout fans out one stream's events, one at a time, until s closes
// or the consumer fails. It returns the last time the consumer was known
// to work (attached, or a message fanned out), where a consumer made
// again starts.
func (s *Service) runFanout(stream string, filters []string, lost time.Time) (time.Time, error) {
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	c, err := s.fanoutConsumer(ctx, stream, filters, lost)
	cancel()
	if err != nil {
		return time.Time{}, err
	}
	seen := time.Now()
	// A short heartbeat: a consumer deleted with its stream is not
	// always told to the pull in flight; missing heartbeats (ErrNoHeartbeat)
	// are, and end this attachment.
	it, err := c.Messages(jetstream.PullMaxMessages(64), jetstream.PullExpiry(10*time.Second), jetstream.PullHeartbeat(2*time.Second))
	if err != nil {
		return seen, err
	}
	stop := context.AfterFunc(s.ctx, it.Stop)
	defer stop()
	defer it.Stop()
	for {
		msg, err := it.Next()
		if err != nil {
			if errors.Is(err, jetstream.ErrMsgIteratorClosed) && s.ctx.Err() != nil {
				return seen, nil
			}
			return seen, err
		}
		if md, err := msg.Metadata(); err == nil && md.Timestamp.After(seen) {
			seen = md.Timestamp
		}
		s.fanout(msg)
	}
}

// fanout turns one event into one job per endpoint that wants it, then
// acknowledges the event. A failure leaves the event to be fanned out
// again: the delivery ids and Nats-Msg-Ids are the same, so nothing is
// queued twice.
func (s *Service) fanout(msg jetstream.Msg) {
	typ := eventType(msg.Subject())
	eps := s.matching(typ)
	if typ == "" || len(eps) == 0 {
		_ = msg.Ack()
		return
	}
	md, err := msg.Metadata()
	if err != nil {
		_ = msg.Term()
		return
	}
	body, ok := withType(msg.Data(), typ)
	if !ok {
		s.log.Error("an event is not a JSON object; no webhook gets it", "subject", msg.Subject(), "seq", md.Sequence.Stream)
		_ = msg.Term()
		return
	}
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	defer cancel()
	now := time.Now().UTC()
	for _, e := range eps {
		rec := record{
			Delivery: api.Delivery{ID: deliveryID(e.ID, md.Stream, md.Sequence.Stream, md.Timestamp), Webhook: e.ID,
				Event: typ, Subject: msg.Subject(), Status: api.DeliveryPending, Created: now, Updated: now, NextAttempt: now},
			SourceStream: md.Stream, SourceSeq: md.Sequence.Stream,
		}
		if err := s.records.create(ctx, rec); err != nil {
			s.log.Warn("webhook fan-out: storing a delivery record; will retry", "webhook", e.ID, "err", err)
			_ = msg.NakWithDelay(time.Second)
			return
		}
		err := s.enqueue(ctx, rec, body)
		if err != nil && isBacklogFull(err) {
			// This endpoint is too far behind: its own loss, nobody
			// else's. The record says why.
			rec.Status, rec.LastError = api.DeliveryFailed, fmt.Sprintf("not queued: the endpoint's backlog is full (webhook_delivery.max_backlog %d)", s.opts.MaxBacklog)
			rec.NextAttempt = time.Time{}
			_ = s.records.put(ctx, rec)
			s.log.Warn("webhook backlog full; a delivery is dropped", "webhook", e.ID, "delivery", rec.ID)
			s.stats.BacklogFull.Add(1)
			continue
		}
		if err != nil {
			s.log.Warn("webhook fan-out: queueing; will retry", "webhook", e.ID, "err", err)
			_ = msg.NakWithDelay(time.Second)
			return
		}
		s.stats.Queued.Add(1)
	}
	_ = msg.Ack()
}

// isBacklogFull reports JetStream's refusal of a subject at
// MaxMsgsPerSubject with DiscardNewPerSubject (a store error with no
// code of its own).
func isBacklogFull(err error) bool {
	return strings.Contains(err.Error(), "maximum messages per subject exceeded")
}
