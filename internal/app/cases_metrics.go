package app

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/earshot/earshot/alerter/cases"
)

// caseBuckets are the decision-time histogram's upper bounds in seconds:
// a minute to a day, the span of a review queue's service levels.
var caseBuckets = []float64{60, 300, 900, 1800, 3600, 4 * 3600, 24 * 3600}

// caseCollector exports the case queue per category (a bounded set, the
// lexicon's categories; never a room): how many cases are open, and the
// time from first hit to decision of the decided ones. Every api node
// indexes every case, so each reports the same figures: do not sum them
// across nodes.
type caseCollector struct {
	stats    func() []cases.CategoryStats
	open     *prometheus.Desc
	decision *prometheus.Desc
}

func newCaseCollector(stats func() []cases.CategoryStats) *caseCollector {
	return &caseCollector{stats: stats,
		open: prometheus.NewDesc("earshot_cases_open", "Cases waiting for a decision, per category (a case counts under each category it hit).",
			[]string{"category"}, nil),
		decision: prometheus.NewDesc("earshot_case_decision_seconds", "Time from a case's first hit to its decision, per category, over the cases kept.",
			[]string{"category"}, nil),
	}
}

func (c *caseCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.open
	ch <- c.decision
}

func (c *caseCollector) Collect(ch chan<- prometheus.Metric) {
	for _, st := range c.stats() {
		ch <- prometheus.MustNewConstMetric(c.open, prometheus.GaugeValue, float64(st.Open), st.Category)
		counts := make(map[float64]uint64, len(caseBuckets))
		var sum float64
		for _, s := range st.Seconds {
			sum += s
			for _, b := range caseBuckets {
				if s <= b {
					counts[b]++
				}
			}
		}
		ch <- prometheus.MustNewConstHistogram(c.decision, uint64(len(st.Seconds)), sum, counts, st.Category)
	}
}
