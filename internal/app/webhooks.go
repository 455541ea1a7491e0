package app

import (
	"context"
	"fmt"
	"time"

	"github.com/earshot/earshot/alerter/webhook"
)

// The retry floor the webhook contract promises with the defaults.
const (
	minAttempts  = 10
	minRetrySpan = 30 * time.Minute
)

// startWebhooks runs webhook delivery on this node: the api role does,
// since it serves the endpoints' API too. Every api node runs it; the
// shared durable consumers give each delivery to one of them. Outbound
// URLs pass the same address policy as pulled sources
// (ingest.allow_hosts).
func (s *Service) startWebhooks(ctx context.Context) error {
	guard, err := s.outboundPolicy()
	if err != nil {
		return err
	}
	c := s.cfg.WebhookDelivery
	var configured []webhook.Endpoint
	for _, w := range s.cfg.Webhooks {
		configured = append(configured, webhook.Endpoint{URL: w.URL, Secret: w.Secret, Events: w.Events})
	}
	s.webhooks, err = webhook.New(ctx, s.nc, webhook.Options{
		Guard: guard, Configured: configured,
		Timeout: time.Duration(c.Timeout), Attempts: c.Attempts,
		Backoff:     webhook.Backoff{Min: time.Duration(c.BackoffMin), Max: time.Duration(c.BackoffMax)},
		Concurrency: c.Concurrency, MaxEndpoints: c.MaxEndpoints, MaxBacklog: c.MaxBacklog, History: time.Duration(c.History),
		Replicas: s.cfg.Cluster.Replicas, QueueMaxBytes: s.bounds.webhookQueue, DeliveryMaxBytes: s.bounds.webhookDeliveries,
		EndpointsMax: s.bounds.webhookEndpoints, Logger: s.log,
	})
	if err != nil {
		return fmt.Errorf("webhooks: %w", err)
	}
	// The defaults retry for 12 attempts over at least 40 minutes; a
	// shorter schedule (tests, impatient operators) is allowed, but a
	// receiver down for longer then loses deliveries until redelivered.
	backoff := webhook.Backoff{Min: time.Duration(c.BackoffMin), Max: time.Duration(c.BackoffMax)}
	if span := backoff.MinSpan(c.Attempts); c.Attempts < minAttempts || span < minRetrySpan {
		s.log.Warn("webhook_delivery retries a failed delivery fewer than 10 times or for less than 30 minutes: a receiver down longer loses its deliveries until they are redelivered by hand",
			"attempts", c.Attempts, "min_span", span.Round(time.Second))
	}
	if n := len(configured); n > 0 {
		s.log.Info("webhooks from the config file", "endpoints", n)
	}
	return nil
}
