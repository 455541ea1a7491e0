package config

import (
	"fmt"
	"net/url"
	"time"
)

// Webhook is one endpoint of the config file's webhooks list: earshot
// POSTs the events it names to URL, signed with Secret (alerter/webhook).
// The event types are checked when the server starts, with the same rules
// as POST /v1/webhooks.
type Webhook struct {
	URL    string   `yaml:"url"`
	Secret string   `yaml:"secret"`
	Events []string `yaml:"events"`
}

// WebhookDelivery tunes how the api role delivers webhooks.
type WebhookDelivery struct {
	// Timeout bounds one attempt (connect, send, answer).
	Timeout Duration `yaml:"timeout"`
	// Attempts is how many times one delivery is tried before it is
	// marked failed; BackoffMin and BackoffMax bound the exponential
	// delay between attempts (each delay drawn from [d/2, d], d doubling
	// from BackoffMin up to BackoffMax). The defaults (12, 10s, 15m) try
	// for at least 40 minutes.
	Attempts   int      `yaml:"attempts"`
	BackoffMin Duration `yaml:"backoff_min"`
	BackoffMax Duration `yaml:"backoff_max"`
	// Concurrency is how many attempts to one endpoint one node makes at
	// once.
	Concurrency int `yaml:"concurrency"`
	// MaxEndpoints bounds the endpoints (config and API together);
	// MaxBacklog the deliveries queued for one endpoint (beyond it new
	// events for that endpoint fail at once, naming the backlog, and other
	// endpoints are not held up).
	MaxEndpoints int `yaml:"max_endpoints"`
	MaxBacklog   int `yaml:"max_backlog"`
	// History is how long delivery records are kept for the API.
	History Duration `yaml:"history"`
}

func defaultWebhookDelivery() WebhookDelivery {
	return WebhookDelivery{Timeout: Duration(5 * time.Second), Attempts: 12,
		BackoffMin: Duration(10 * time.Second), BackoffMax: Duration(15 * time.Minute),
		Concurrency: 4, MaxEndpoints: 100, MaxBacklog: 10000, History: Duration(7 * 24 * time.Hour)}
}

func (c *Config) validateWebhooks() error {
	d := c.WebhookDelivery
	for _, f := range []struct {
		name string
		v    int64
	}{{"timeout", int64(d.Timeout)}, {"attempts", int64(d.Attempts)}, {"backoff_min", int64(d.BackoffMin)},
		{"backoff_max", int64(d.BackoffMax)}, {"concurrency", int64(d.Concurrency)}, {"max_endpoints", int64(d.MaxEndpoints)},
		{"max_backlog", int64(d.MaxBacklog)}, {"history", int64(d.History)}} {
		if f.v <= 0 {
			return fmt.Errorf("config: webhook_delivery.%s: want a positive value", f.name)
		}
	}
	if d.BackoffMax < d.BackoffMin {
		return fmt.Errorf("config: webhook_delivery.backoff_max %v is below backoff_min %v", time.Duration(d.BackoffMax), time.Duration(d.BackoffMin))
	}
	if len(c.Webhooks) > d.MaxEndpoints {
		return fmt.Errorf("config: webhooks: %d endpoints, more than webhook_delivery.max_endpoints (%d)", len(c.Webhooks), d.MaxEndpoints)
	}
	seen := map[string]int{}
	for i, w := range c.Webhooks {
		u, err := url.Parse(w.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("config: webhooks[%d].url %q: want an absolute http:// or https:// URL", i, w.URL)
		}
		if j, ok := seen[w.URL]; ok {
			return fmt.Errorf("config: webhooks[%d].url %q: already webhooks[%d]; list each URL once, with every event it wants", i, w.URL, j)
		}
		seen[w.URL] = i
		if w.Secret == "" {
			return fmt.Errorf("config: webhooks[%d].secret: required (receivers verify the signature with it)", i)
		}
		if len(w.Events) == 0 {
			return fmt.Errorf("config: webhooks[%d].events: want one or more event types", i)
		}
	}
	return nil
}
