package app

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/earshot/earshot/internal/spool"
)

// clusterCollector exports the roles' counters (roles.go): what the scan
// role scanned, shed (the overload policy: stale partials), skipped as
// repeated (a partial's second copy), dead-lettered and retried, and hypotheses the bus lost after its retries. No room
// label: the counters are per node.
type clusterCollector struct {
	r                                            *roles
	scanned, shed, repeated, dead, retried, lost *prometheus.Desc
	// the local spools (spool.go), labelled by spool: utt or alerts
	spRecords, spBytes, spFull, spAppended, spDelivered, spRefused, spDamaged *prometheus.Desc
}

func newClusterCollector(r *roles) *clusterCollector {
	d := func(name, help string) *prometheus.Desc { return prometheus.NewDesc(name, help, nil, nil) }
	return &clusterCollector{r: r,
		scanned:     d("earshot_scan_hypotheses_total", "Hypotheses the scan role scanned from the utterance stream."),
		shed:        d("earshot_scan_shed_partials_total", "Partial hypotheses skipped because they waited in the stream too long (overload policy: partials first)."),
		repeated:    d("earshot_scan_repeated_partials_total", "Partial hypotheses skipped because their session's scan had passed them: a second copy of one (partials carry no Nats-Msg-Id), or one overtaken by a later hypothesis."),
		dead:        d("earshot_scan_dead_letters_total", "Utterance messages that failed validation and went to earshot.dlq.utt."),
		retried:     d("earshot_scan_retried_total", "Hypotheses negatively acknowledged for redelivery because their alert was not stored."),
		lost:        d("earshot_ingest_hypotheses_lost_total", "Hypotheses the utterance stream refused after every retry, or the full local spool refused."),
		spRecords:   sp("earshot_spool_records", "Messages waiting in the local spool for NATS (in use while above 0)."),
		spBytes:     sp("earshot_spool_bytes", "Bytes of the local spool on disk (bounded by cluster.spool_max_bytes)."),
		spFull:      sp("earshot_spool_full", "1 while the local spool refuses new messages for lack of room."),
		spAppended:  sp("earshot_spool_appended_total", "Messages put in the local spool because NATS was unreachable."),
		spDelivered: sp("earshot_spool_delivered_total", "Spooled messages delivered to NATS."),
		spRefused:   sp("earshot_spool_refused_total", "Messages the full local spool refused (hypotheses lost, alerts refused)."),
		spDamaged:   sp("earshot_spool_damaged_total", "Damaged stretches of the local spool found at start and skipped."),
	}
}

func sp(name, help string) *prometheus.Desc {
	return prometheus.NewDesc(name, help, []string{"spool"}, nil)
}

func (c *clusterCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.scanned, c.shed, c.repeated, c.dead, c.retried, c.lost,
		c.spRecords, c.spBytes, c.spFull, c.spAppended, c.spDelivered, c.spRefused, c.spDamaged} {
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
		counter(c.repeated, s.Stats.Repeated.Load())
		counter(c.dead, s.Stats.Dead.Load())
		counter(c.retried, s.Stats.Retried.Load())
	}
	if b := c.r.bus; b != nil {
		counter(c.lost, b.Lost.Load())
	}
	c.r.spools.each(func(name string, s *spool.Spool) {
		st := s.Stats()
		m := func(d *prometheus.Desc, t prometheus.ValueType, v float64) {
			ch <- prometheus.MustNewConstMetric(d, t, v, name)
		}
		full := 0.0
		if st.Full {
			full = 1
		}
		m(c.spRecords, prometheus.GaugeValue, float64(st.Records))
		m(c.spBytes, prometheus.GaugeValue, float64(st.Bytes))
		m(c.spFull, prometheus.GaugeValue, full)
		m(c.spAppended, prometheus.CounterValue, float64(st.Appended))
		m(c.spDelivered, prometheus.CounterValue, float64(st.Delivered))
		m(c.spRefused, prometheus.CounterValue, float64(st.Refused))
		m(c.spDamaged, prometheus.CounterValue, float64(st.Damaged))
	})
}
