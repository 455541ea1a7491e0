package app

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/earshot/earshot/alerter/natsembed"
	"github.com/earshot/earshot/alerter/natsink"
)

// faultSources are the fault counters /metrics reads at scrape time: what
// the alert sink refused or recreated and what JetStream lost at rest (the
// transcript store's retries and quarantines are with its other series in
// metrics.go). A nil part is left out. The only label is a stream name, of
// which there are a handful.
type faultSources struct {
	sink   func() natsink.Stats
	losses func() []natsembed.Loss
}

func (s *Service) faultSources() faultSources {
	var f faultSources
	if s.sink != nil {
		f.sink = s.sink.Stats
	}
	if s.nats != nil {
		f.losses = s.nats.Losses
	}
	return f
}

type faultCollector struct {
	src                      faultSources
	refused, recreated, lost *prometheus.Desc
}

func newFaultCollector(src faultSources) *faultCollector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, labels, nil)
	}
	return &faultCollector{src: src,
		refused: d("earshot_alerts_refused_total",
			"Alerts not stored because the alert stream could not take them (full disk, stream gone, NATS down); the sender got an error."),
		recreated: d("earshot_alert_stream_recreated_total",
			"Times the alert stream was found missing and created again; alert on any increase."),
		lost: d("earshot_jetstream_messages_lost",
			"Messages found missing from a stream at start, compared with what it held (damaged files at rest).", "stream"),
	}
}

func (c *faultCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.refused, c.recreated, c.lost} {
		ch <- d
	}
}

func (c *faultCollector) Collect(ch chan<- prometheus.Metric) {
	m := func(d *prometheus.Desc, kind prometheus.ValueType, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, kind, v, labels...)
	}
	if c.src.sink != nil {
		st := c.src.sink()
		m(c.refused, prometheus.CounterValue, float64(st.Refused))
		m(c.recreated, prometheus.CounterValue, float64(st.Recreated))
	}
	if c.src.losses != nil {
		byStream := map[string]uint64{}
		for _, l := range c.src.losses() {
			byStream[l.Stream] += l.Lost
		}
		for stream, n := range byStream {
			m(c.lost, prometheus.GaugeValue, float64(n), stream)
		}
	}
}
