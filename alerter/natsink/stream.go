package natsink

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
)

// streamConfig is the EARSHOT_ALERTS stream: every alert subject, on disk,
// old alerts dropped by age, repeats of a Nats-Msg-Id dropped inside the
// duplicate window.
func streamConfig(o Options) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:        alerter.AlertStream,
		Description: "earshot compliance alerts: earshot.alert.<category>.<room>",
		Subjects:    []string{alerter.AlertSubjects},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardOld,
		MaxAge:      o.MaxAge,
		MaxBytes:    o.MaxBytes,
		MaxMsgSize:  MaxAlertBytes,
		Duplicates:  o.Duplicates,
		Replicas:    o.Replicas,
		AllowDirect: true,
	}
}

// ensureStream creates the stream or updates it to the wanted config; with
// o.Bind it only checks that the stream exists.
func ensureStream(ctx context.Context, js jetstream.JetStream, o Options) error {
	if o.Bind {
		if _, err := js.Stream(ctx, alerter.AlertStream); err != nil {
			return fmt.Errorf("natsink: stream %s: %w", alerter.AlertStream, err)
		}
		return nil
	}
	if _, err := js.CreateOrUpdateStream(ctx, streamConfig(o)); err != nil {
		return fmt.Errorf("natsink: ensure stream %s: %w", alerter.AlertStream, err)
	}
	return nil
}
