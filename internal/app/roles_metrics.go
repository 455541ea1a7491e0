package app

import (
	"github.com/prometheus/client_golang/prometheus"
)

// clusterCollector exports the roles' counters (roles.go): what the scan
// role scanned, shed (the overload policy: stale partials), dead-lettered
// and retried, and hypotheses the bus lost after its retries. No room
// label: the counters are per node.
type clusterCollector struct {
	r                                  *roles
	scanned, shed, dead, retried, lost *prometheus.Desc
}

func newClusterCollector(r *roles) *clusterCollector {
	d := func(name, help string) *prometheus.Desc { return prometheus.NewDesc(name, help, nil, nil) }
	return &clusterCollector{r: r,
		scanned: d("earshot_scan_hypotheses_total", "Hypotheses the scan role scanned from the utterance stream."),
		shed:    d("earshot_scan_shed_partials_total", "Partial hypotheses skipped because they waited in the stream too long (overload policy: partials first)."),
		dead:    d("earshot_scan_dead_letters_total", "Utterance messages that failed validation and went to earshot.dlq.utt."),
		retried: d("earshot_scan_retried_total", "Hypotheses negatively acknowledged for redelivery because their alert was not stored."),
		lost:    d("earshot_ingest_hypotheses_lost_total", "Hypotheses the utterance stream refused after every retry."),
	}
}

func (c *clusterCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.scanned, c.shed, c.dead, c.retried, c.lost} {
		ch <- d
	}
}

func (c *clusterCollector) Collect(ch chan<- prometheus.Metric) {
	counter := func(d *prometheus.Desc, v uint64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v))
	}
	if s := c.r.scan; s != nil {
		counter(c.scanned, s.Stats.Scanned.Load())
		counter(c.shed, s.Stats.Shed.Load())
		counter(c.dead, s.Stats.Dead.Load())
		counter(c.retried, s.Stats.Retried.Load())
	}
	if b := c.r.bus; b != nil {
		counter(c.lost, b.Lost.Load())
	}
}
