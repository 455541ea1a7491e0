package natsink

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
)

// EventOptions bound the event stream.
type EventOptions struct {
	Replicas int
	MaxBytes int64
	// MaxAge drops old events (0: 30 days, the alerts' default).
	MaxAge time.Duration
}

// EnsureEvents creates or updates the stream alerter.EventStream, which
// captures every subject of alerter.EventSubjects: reminders, escalations,
// heeded reminders, dispositions and appeals. Publishers keep publishing
// on core NATS; the stream is the record webhooks and the trust ledger
// consume from, so a consumer that restarts misses nothing.
func EnsureEvents(ctx context.Context, js jetstream.JetStream, o EventOptions) (jetstream.Stream, error) {
	if o.MaxAge <= 0 {
		o.MaxAge = 30 * 24 * time.Hour
	}
	st, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        alerter.EventStream,
		Description: "earshot workflow events: reminders, escalations, heeded reminders, dispositions, appeals",
		Subjects:    alerter.EventSubjects,
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardOld,
		MaxAge:      o.MaxAge,
		MaxBytes:    o.MaxBytes,
		MaxMsgSize:  MaxAlertBytes,
		Duplicates:  2 * time.Minute,
		Replicas:    max(o.Replicas, 1),
		AllowDirect: true,
	})
	if err != nil {
		return nil, fmt.Errorf("natsink: ensure stream %s: %w", alerter.EventStream, err)
	}
	return st, nil
}
