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
// source stream. A new consumer starts at new events: an endpoint gets
// what happens after it is added, not a month of history.
func (s *Service) startFanout(ctx context.Context) error {
	for _, src := range eventStreams {
		c, err := s.js.CreateOrUpdateConsumer(ctx, src.name, jetstream.ConsumerConfig{
			Durable:        fanoutConsumer,
			Description:    "earshot webhooks: fans events out to the endpoints' queues",
			FilterSubjects: src.filters,
			DeliverPolicy:  jetstream.DeliverNewPolicy,
			AckPolicy:      jetstream.AckExplicitPolicy,
			AckWait:        30 * time.Second,
			MaxAckPending:  1024,
		})
		if err != nil {
			return fmt.Errorf("webhooks: fan-out consumer on %s: %w", src.name, err)
		}
		cc, err := c.Consume(s.fanout, jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
			if !errors.Is(err, jetstream.ErrNoHeartbeat) {
				s.log.Debug("webhook fan-out", "stream", src.name, "err", err)
			}
		}))
		if err != nil {
			return fmt.Errorf("webhooks: fan-out on %s: %w", src.name, err)
		}
		s.fanouts = append(s.fanouts, cc)
	}
	return nil
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
			continue
		}
		if err != nil {
			s.log.Warn("webhook fan-out: queueing; will retry", "webhook", e.ID, "err", err)
			_ = msg.NakWithDelay(time.Second)
			return
		}
	}
	_ = msg.Ack()
}

// isBacklogFull reports JetStream's refusal of a subject at
// MaxMsgsPerSubject with DiscardNewPerSubject (a store error with no
// code of its own).
func isBacklogFull(err error) bool {
	return strings.Contains(err.Error(), "maximum messages per subject exceeded")
}
