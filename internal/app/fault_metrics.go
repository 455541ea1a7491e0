package app

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/earshot/earshot/alerter/natsembed"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/transcript/store"
)

// faultSources are the fault counters /metrics reads at scrape time: what
// the alert sink refused or recreated, what JetStream lost at rest, what the
// transcript store retried or quarantined. A nil part is left out. The only
// label is a stream name, of which there are a handful.
type faultSources struct {
	sink        func() natsink.Stats
	losses      func() []natsembed.Loss
	transcripts func() store.Stats
}

func (s *Service) faultSources() faultSources {
	var f faultSources
	if s.sink != nil {
		f.sink = s.sink.Stats
	}
	if s.nats != nil {
		f.losses = s.nats.Losses
	}
	if s.transcripts != nil {
		f.transcripts = s.transcripts.Stats
	}
	return f
}

type faultCollector struct {
	src                           faultSources
	refused, recreated, lost      *prometheus.Desc
	quarantined, waiting, retried *prometheus.Desc
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
		quarantined: d("earshot_transcript_partitions_quarantined",
			"Damaged transcript partitions moved aside (their days are not searchable)."),
		waiting: d("earshot_transcripts_waiting",
			"Final utterances kept for a retry because their batch could not be written (disk full)."),
		retried: d("earshot_transcript_batches_retried_total", "Transcript batches tried again after a failure."),
	}
}

func (c *faultCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.refused, c.recreated, c.lost, c.quarantined, c.waiting, c.retried} {
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
	if c.src.transcripts != nil {
		st := c.src.transcripts()
		m(c.quarantined, prometheus.GaugeValue, float64(st.Quarantined))
		m(c.waiting, prometheus.GaugeValue, float64(st.Waiting))
		m(c.retried, prometheus.CounterValue, float64(st.Retried))
	}
}
