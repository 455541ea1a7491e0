package app

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/config"
)

// TestShortRetryScheduleWarned: a webhook_delivery schedule below the
// contract's floor (10 attempts over 30 minutes) starts, with a warning
// naming it; the default schedule starts without one.
func TestShortRetryScheduleWarned(t *testing.T) {
	const warning = "webhook_delivery retries a failed delivery fewer than 10 times"
	for _, c := range []struct {
		name string
		tune func(*config.WebhookDelivery)
		warn bool
	}{
		{"defaults", func(*config.WebhookDelivery) {}, false},
		{"fast backoff", func(d *config.WebhookDelivery) {
			d.BackoffMin, d.BackoffMax = config.Duration(50*time.Millisecond), config.Duration(200*time.Millisecond)
		}, true},
		{"few attempts", func(d *config.WebhookDelivery) { d.Attempts = 3 }, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := webhookConfig(t)
			cfg.WebhookDelivery = config.Default().WebhookDelivery
			c.tune(&cfg.WebhookDelivery)
			var logs syncBuffer // recognizers_test.go
			svc, err := Start(context.Background(), cfg, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
			if err != nil {
				t.Fatalf("starting: %v", err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			svc.Close(ctx)
			if got := strings.Contains(logs.String(), warning); got != c.warn {
				t.Errorf("warned %v, want %v; log:\n%s", got, c.warn, logs.String())
			}
		})
	}
}
