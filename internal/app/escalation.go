package app

import (
	"context"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/escalation"
	"github.com/earshot/earshot/lexicon"
)

// openEscalation starts the escalation stage of a scan node: the sink
// tells it of every reminder it decides (natsink.Options.Observer). The
// policy is the lexicon in force's, like the per-rule cooldown.
func (s *Service) openEscalation(ctx context.Context) (*escalation.Tracker, error) {
	t, err := escalation.Open(ctx, s.nc, escalation.Options{Policy: s.lexLoader.Escalation,
		Replicas: s.cfg.Cluster.Replicas, MaxBytes: s.bounds.escalation, Logger: s.log.With("stage", "escalation")})
	if err != nil {
		return nil, fmt.Errorf("escalation: %w", err)
	}
	return t, nil
}

// Escalation is the escalation policy of a's leading hit, from the lexicon
// in force (the default policy when none parses).
func (l *lexiconLoader) Escalation(a alerter.Alert) escalation.Policy {
	p := l.InForce().EscalationFor(a.Category, a.Severity) // nil-safe
	return escalation.Policy{Window: p.Window, Staff: p.Staff, StopSuggested: p.StopSuggested,
		Heeded: p.Heeded, PerCategory: p.Per == lexicon.EscalatePerCategory}
}

// escalationCollector exports the stage's counters; no per-room label.
type escalationCollector struct {
	stats              func() *escalation.Stats
	escalations, heard *prometheus.Desc
	cancelled, errs    *prometheus.Desc
}

func newEscalationCollector(stats func() *escalation.Stats) *escalationCollector {
	return &escalationCollector{stats: stats,
		escalations: prometheus.NewDesc("earshot_escalations_total",
			"Escalations published by this node's scanner, by level (staff, stop_suggested).", []string{"level"}, nil),
		heard: prometheus.NewDesc("earshot_reminders_heeded_total",
			"Reminders whose rule stayed unbroken in the room for the policy's heeded window.", nil, nil),
		cancelled: prometheus.NewDesc("earshot_reminders_repeated_total",
			"Reminders whose rule was broken again within the heeded window (not heeded).", nil, nil),
		errs: prometheus.NewDesc("earshot_escalation_errors_total",
			"NATS calls of the escalation stage that failed (the bucket's outbox and deadlines are retried).", nil, nil),
	}
}

func (c *escalationCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.escalations, c.heard, c.cancelled, c.errs} {
		ch <- d
	}
}

func (c *escalationCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.stats()
	if st == nil {
		return
	}
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	counter(c.escalations, st.Staff.Load(), alerter.LevelStaff)
	counter(c.escalations, st.StopSuggested.Load(), alerter.LevelStopSuggested)
	counter(c.heard, st.Heeded.Load())
	counter(c.cancelled, st.Cancelled.Load())
	counter(c.errs, st.Errors.Load())
}
