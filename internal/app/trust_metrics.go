package app

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/earshot/earshot/trust"
)

// trustCollector exports the trust ledger's counters (trust.go): what the
// writer applied, skipped and flushed, the scores it published, whether
// this node is the writer, and how many accounts the view holds.
type trustCollector struct {
	t                                           *trustRole
	applied, skipped, flushes, published, write *prometheus.Desc
	accounts                                    *prometheus.Desc
}

func newTrustCollector(t *trustRole) *trustCollector {
	d := func(name, help string) *prometheus.Desc { return prometheus.NewDesc(name, help, nil, nil) }
	return &trustCollector{t: t,
		applied:   d("earshot_trust_applied_total", "Stream messages the trust ledger's writer on this node counted (a redelivered one it skipped by its marks counts too)."),
		skipped:   d("earshot_trust_skipped_total", "Stream messages the trust ledger refused: invalid, or naming an alert the log no longer has."),
		flushes:   d("earshot_trust_flushes_total", "Batches the trust ledger's writer stored (compare-and-set writes and checkpoints)."),
		published: d("earshot_trust_published_total", "earshot.trust.<merchant> messages this node's writer published."),
		write:     d("earshot_trust_writer", "1 while this node holds the claim trust-ledger and writes the ledger."),
		accounts:  prometheus.NewDesc("earshot_trust_accounts", "Accounts the trust view of this node holds days of.", []string{"kind"}, nil),
	}
}

func (c *trustCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.applied, c.skipped, c.flushes, c.published, c.write, c.accounts} {
		ch <- d
	}
}

func (c *trustCollector) Collect(ch chan<- prometheus.Metric) {
	if v := c.t.view; v != nil {
		for _, k := range []trust.Kind{trust.Anchor, trust.Merchant} {
			ch <- prometheus.MustNewConstMetric(c.accounts, prometheus.GaugeValue, float64(len(v.IDs(k))), string(k))
		}
	}
	l := c.t.ledger
	if l == nil {
		return
	}
	counter := func(d *prometheus.Desc, v uint64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v))
	}
	counter(c.applied, l.Applied.Load())
	counter(c.skipped, l.Skipped.Load())
	counter(c.flushes, l.Flushes.Load())
	counter(c.published, l.Published())
	w := 0.0
	if c.t.leases != nil && c.t.leases.Holds(trust.LeaderKey) {
		w = 1
	}
	ch <- prometheus.MustNewConstMetric(c.write, prometheus.GaugeValue, w)
}
