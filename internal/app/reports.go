package app

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/reports"
	"github.com/earshot/earshot/server"
	"github.com/earshot/earshot/transcript/store"
)

// openReports starts the viewer reports stage of an API node: it takes
// reports, raises viewer-reports alerts through the alert sink and runs
// polls (docs/reports.md).
func (s *Service) openReports(ctx context.Context) (*reports.Service, error) {
	rules := reports.DefaultRules
	c := s.cfg.Reports
	if c.MinReporters > 0 {
		rules.MinReporters = c.MinReporters
	}
	if c.MinWeight > 0 {
		rules.MinWeight = c.MinWeight
	}
	if c.FloodNewReporters > 0 {
		rules.FloodNew = c.FloodNewReporters
	}
	opts := reports.Options{Sink: s.sink, Alerts: s.sink.Log(), Rules: rules, Replicas: s.cfg.Cluster.Replicas,
		MaxBytes: s.bounds.reports, Logger: s.log.With("stage", "reports")}
	if s.transcripts != nil {
		opts.Transcripts = &reportTranscripts{s: s}
	}
	r, err := reports.Open(ctx, s.nc, opts)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	return r, nil
}

// reportTranscripts is where a burst's transcript comes from: every index
// node through the fan-out (search.go), as the API's timeline reads it;
// the local store until the search registry is up.
type reportTranscripts struct {
	s   *Service
	mu  sync.Mutex
	src server.Transcripts
}

func (t *reportTranscripts) Around(ctx context.Context, room string, at time.Time, before, after time.Duration) ([]store.Record, error) {
	t.mu.Lock()
	if t.src == nil && t.s.search.registry != nil {
		t.src = t.s.transcriptSource()
	}
	src := t.src
	t.mu.Unlock()
	if src == nil {
		return t.s.transcripts.Around(ctx, room, at, before, after)
	}
	return src.Around(ctx, room, at, before, after)
}

// platformViewers reads the platform's viewer keys (reports.viewer_keys);
// nil when there are none.
func platformViewers(files []string) (*auth.PlatformViewers, error) {
	if len(files) == 0 {
		return nil, nil
	}
	var keys []ed25519.PublicKey
	for _, f := range files {
		k, err := auth.ReadPublicKey(f)
		if err != nil {
			return nil, fmt.Errorf("reports.viewer_keys: %w", err)
		}
		keys = append(keys, k)
	}
	return auth.NewPlatformViewers(keys...), nil
}

// reportsCollector exports the stage's figures; no per-room label (the
// room's are in GET /v1/rooms/{room}, "reports").
type reportsCollector struct {
	svc                                 *reports.Service
	submitted, reports, flooded, floods *prometheus.Desc
	active, alerts                      *prometheus.Desc
}

func newReportsCollector(svc *reports.Service) *reportsCollector {
	return &reportsCollector{svc: svc,
		submitted: prometheus.NewDesc("earshot_reports_submitted_total",
			"Viewer reports this node was sent, by outcome (accepted, duplicate, rate_limited, ahead, failed).", []string{"outcome"}, nil),
		reports: prometheus.NewDesc("earshot_reports_total",
			"Accepted viewer reports this node's detector weighed (every node hears every report).", nil, nil),
		flooded: prometheus.NewDesc("earshot_reports_flooded_total",
			"Reports of new reporters the flood breaker kept out of the weight.", nil, nil),
		floods: prometheus.NewDesc("earshot_report_floods_total",
			"Times a room's report-flood breaker tripped (many new reporters at once: suspected brigading).", nil, nil),
		active: prometheus.NewDesc("earshot_report_floods_active",
			"Rooms whose report-flood breaker is tripped now.", nil, nil),
		alerts: prometheus.NewDesc("earshot_report_bursts_total",
			"Bursts of independent reports that raised a viewer-reports alert.", nil, nil),
	}
}

func (c *reportsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.submitted, c.reports, c.flooded, c.floods, c.active, c.alerts} {
		ch <- d
	}
}

func (c *reportsCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.svc.Stats()
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	counter(c.submitted, st.Accepted.Load(), "accepted")
	counter(c.submitted, st.Duplicates.Load(), "duplicate")
	counter(c.submitted, st.RateLimited.Load(), "rate_limited")
	counter(c.submitted, st.Ahead.Load(), "ahead")
	counter(c.submitted, st.Failed.Load(), "failed")
	tot, active := c.svc.Totals()
	counter(c.reports, tot.Reports)
	counter(c.flooded, tot.Flooded)
	counter(c.floods, tot.Floods)
	counter(c.alerts, tot.Alerts)
	ch <- prometheus.MustNewConstMetric(c.active, prometheus.GaugeValue, float64(active))
}
