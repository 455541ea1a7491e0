package webhook

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/api"
)

// Redeliver queues a delivery again, whatever its state, with the same
// delivery id and a fresh set of attempts: the event is read back from
// the stream it is stored in.
func (s *Service) Redeliver(ctx context.Context, id, delivery string) (api.Delivery, error) {
	rec, rev, err := s.record(ctx, id, delivery)
	if err != nil {
		return api.Delivery{}, err
	}
	st, err := s.js.Stream(ctx, rec.SourceStream)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return api.Delivery{}, fmt.Errorf("%w: %s: the stream %s is gone", ErrEventGone, delivery, rec.SourceStream)
	}
	if err != nil {
		return api.Delivery{}, fmt.Errorf("webhooks: stream %s: %w", rec.SourceStream, err)
	}
	msg, err := st.GetMsg(ctx, rec.SourceSeq)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		// Dropped by the stream's age or size bound: asking again will
		// not bring it back, so this is no "retry" (503).
		return api.Delivery{}, fmt.Errorf("%w: %s: message %d of %s was dropped by the stream's retention", ErrEventGone, delivery, rec.SourceSeq, rec.SourceStream)
	}
	if err != nil {
		return api.Delivery{}, fmt.Errorf("webhooks: reading the event of %s from %s: %w", delivery, rec.SourceStream, err)
	}
	body, ok := withType(msg.Data, rec.Event)
	if !ok {
		return api.Delivery{}, fmt.Errorf("webhooks: the event of %s is not a JSON object", delivery)
	}
	rec.Redeliveries++
	rec.Status, rec.Attempts, rec.LastError, rec.LastStatus = api.DeliveryPending, 0, "", 0
	rec.NextAttempt = time.Now().UTC()
	rec.stamp(rec.NextAttempt)
	if err := s.records.update(ctx, rec, rev); err != nil {
		return api.Delivery{}, fmt.Errorf("webhooks: the delivery changed meanwhile, retry: %w", err)
	}
	if err := s.enqueue(ctx, rec, body); err != nil {
		return api.Delivery{}, err
	}
	return rec.Delivery, nil
}

// enqueue stores rec's job; its Nats-Msg-Id makes a repeat harmless.
func (s *Service) enqueue(ctx context.Context, rec record, body []byte) error {
	m := nats.NewMsg(QueueSubject(rec.Webhook))
	m.Data = body
	m.Header.Set(jetstream.MsgIDHeader, fmt.Sprintf("%s.%d", rec.ID, rec.Redeliveries))
	m.Header.Set(api.HeaderDelivery, rec.ID)
	m.Header.Set(api.HeaderEvent, rec.Event)
	m.Header.Set(hdrSubject, rec.Subject)
	m.Header.Set(hdrGeneration, fmt.Sprint(rec.Redeliveries))
	if _, err := s.js.PublishMsg(ctx, m); err != nil {
		return fmt.Errorf("webhooks: queueing %s: %w", rec.ID, err)
	}
	return nil
}
