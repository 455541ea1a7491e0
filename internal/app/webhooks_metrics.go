package app

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/earshot/earshot/alerter/webhook"
)

// webhookCollector reads the webhook service's counters at scrape time;
// no series is labelled by endpoint.
type webhookCollector struct {
	svc                           *webhook.Service
	attempts, queued, full, total *prometheus.Desc
}

func newWebhookCollector(svc *webhook.Service) *webhookCollector {
	return &webhookCollector{svc: svc,
		attempts: prometheus.NewDesc("earshot_webhook_attempts_total",
			"Webhook delivery attempts this node made, by outcome (delivered, retried, failed, interrupted).", []string{"outcome"}, nil),
		queued: prometheus.NewDesc("earshot_webhook_deliveries_queued_total",
			"Webhook deliveries this node's fan-out queued (one per event and endpoint that wants it).", nil, nil),
		full: prometheus.NewDesc("earshot_webhook_backlog_full_total",
			"Webhook deliveries not queued because their endpoint's backlog was full (webhook_delivery.max_backlog).", nil, nil),
		total: prometheus.NewDesc("earshot_webhook_endpoints",
			"Webhook endpoints this node knows (config file and API).", nil, nil),
	}
}

func (c *webhookCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.attempts, c.queued, c.full, c.total} {
		ch <- d
	}
}

func (c *webhookCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.svc.Stats()
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	counter(c.attempts, st.Delivered.Load(), "delivered")
	counter(c.attempts, st.Retried.Load(), "retried")
	counter(c.attempts, st.Failed.Load(), "failed")
	counter(c.attempts, st.Interrupted.Load(), "interrupted")
	counter(c.queued, st.Queued.Load())
	counter(c.full, st.BacklogFull.Load())
	ch <- prometheus.MustNewConstMetric(c.total, prometheus.GaugeValue, float64(c.svc.Endpoints()))
}
