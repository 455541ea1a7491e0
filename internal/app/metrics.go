package app

import (
	"net/http"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/earshot/earshot/alerter/cases"
	"github.com/earshot/earshot/alerter/escalation"
	"github.com/earshot/earshot/alerter/webhook"
	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/reports"
	"github.com/earshot/earshot/rooms"
	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/store"
)

// metricSources are what /metrics reads at scrape time; a nil part is left
// out. Nothing here is labelled by room, session or any other unbounded
// id: a platform runs 100,000 rooms, and a series per room would make every
// scrape grow with them (Prometheus' guidance: never label by an unbounded
// id). Per-room figures are in GET /v1/rooms and GET /v1/rooms/{room}.
type metricSources struct {
	rooms       *rooms.Registry
	transcripts func() store.Stats
	// recognizers lists the engines built so far; each one that counts its
	// errors (transcript.ErrorCounter) gets a series labelled by its name,
	// a bounded set fixed by the configuration.
	recognizers func() []transcript.Recognizer
	// lexiconRefused counts lexicon version records refused for their
	// signature (lexicon/version.Watcher.Refused).
	lexiconRefused func() uint64
	faults         faultSources // fault_metrics.go
	cluster        *roles       // roles_metrics.go; nil in tests without a service
	// escalation is the scan role's escalation stage (escalation.go).
	escalation func() *escalation.Stats
	// cases reads the case queue's per-category figures (cases_metrics.go).
	cases func() []cases.CategoryStats
	// reports is the API role's viewer reports stage (reports.go).
	reports *reports.Service
	// webhooks is the API role's webhook delivery (webhooks.go).
	webhooks *webhook.Service
	// trust is the trust ledger's view and writer (trust.go).
	trust *trustRole
}

// metricsHandler serves the service's /metrics.
func (s *Service) metricsHandler() http.Handler {
	src := metricSources{rooms: s.reg, recognizers: func() []transcript.Recognizer {
		return append([]transcript.Recognizer{s.rec}, s.engines.all()...)
	}}
	if st := s.transcripts; st != nil {
		src.transcripts = st.Stats
	}
	if s.lex != nil {
		src.lexiconRefused = s.lex.watcher.Refused
	}
	src.faults = s.faultSources()
	src.cluster = &s.roles
	if t := s.escalation; t != nil {
		src.escalation = t.Stats
	}
	src.cases = s.caseStats
	src.reports = s.reports
	src.webhooks = s.webhooks
	src.trust = &s.trust
	return newMetricsHandler(src)
}

// newMetricsHandler serves Prometheus metrics from a registry of this
// service's own, not the global default one.
func newMetricsHandler(src metricSources) http.Handler {
	pr := prometheus.NewRegistry()
	if src.cluster != nil {
		pr.MustRegister(newClusterCollector(src.cluster)) // roles_metrics.go
	}
	if src.escalation != nil {
		pr.MustRegister(newEscalationCollector(src.escalation)) // escalation.go
	}
	if src.cases != nil {
		pr.MustRegister(newCaseCollector(src.cases)) // cases_metrics.go
	}
	if src.reports != nil {
		pr.MustRegister(newReportsCollector(src.reports)) // reports.go
	}
	if src.webhooks != nil {
		pr.MustRegister(newWebhookCollector(src.webhooks)) // webhooks_metrics.go
	}
	if src.trust != nil {
		pr.MustRegister(newTrustCollector(src.trust)) // trust_metrics.go
	}
	pr.MustRegister(newCollector(src), newFaultCollector(src.faults), collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return promhttp.HandlerFor(pr, promhttp.HandlerOpts{})
}

// sample is one series of a scrape.
type sample struct {
	desc  *prometheus.Desc
	kind  prometheus.ValueType
	value func(*snapshot) float64
}

// snapshot is everything one scrape reads, taken once so that the values
// of one scrape agree with each other.
type snapshot struct {
	sum         rooms.Summary
	evidence    rooms.EvidenceStats
	transcripts store.Stats
}

// collector reads the registry at scrape time, so the hot path keeps only
// its own atomic counters and makes no metric library calls.
type collector struct {
	src                   metricSources
	rooms, recErrors      *prometheus.Desc
	lexiconRefused        *prometheus.Desc
	samples, transcriptsS []sample
}

func counter(name, help string, value func(*snapshot) float64) sample {
	return sample{prometheus.NewDesc(name, help, nil, nil), prometheus.CounterValue, value}
}

func gauge(name, help string, value func(*snapshot) float64) sample {
	return sample{prometheus.NewDesc(name, help, nil, nil), prometheus.GaugeValue, value}
}

func newCollector(src metricSources) *collector {
	tot := func(f func(rooms.Totals) float64) func(*snapshot) float64 {
		return func(s *snapshot) float64 { return f(s.sum.Total) }
	}
	srcTot := func(f func(ingest.SourceStats) float64) func(*snapshot) float64 {
		return func(s *snapshot) float64 { return f(s.sum.Total.Source) }
	}
	return &collector{
		src:       src,
		rooms:     prometheus.NewDesc("earshot_rooms", "Rooms known to the registry, by state.", []string{"state"}, nil),
		recErrors: prometheus.NewDesc("earshot_recognizer_errors_total", "Utterances a recognizer lost to errors (server, network), by engine.", []string{"engine"}, nil),
		lexiconRefused: prometheus.NewDesc("earshot_lexicon_versions_refused_total",
			"Lexicon version records refused because no trusted key signed them (forged, altered or unsigned); alert on any increase.", nil, nil),
		samples: []sample{
			counter("earshot_sessions_total", "Audio sessions started (uploads, WHIP sessions, pulled connections).",
				func(s *snapshot) float64 { return float64(s.sum.Sessions) }),
			counter("earshot_reconnects_total", "Pulled sessions started after the previous one failed or ended.",
				func(s *snapshot) float64 { return float64(s.sum.Reconnects) }),
			counter("earshot_audio_heard_seconds_total", "Stream time heard by the recognizers.",
				tot(func(t rooms.Totals) float64 { return float64(t.HeardMs) / 1000 })),
			counter("earshot_audio_received_bytes_total", "16 kHz 16-bit PCM the sources delivered, dropped or not.",
				tot(func(t rooms.Totals) float64 { return float64(t.PCMBytes) })),
			counter("earshot_audio_chunks_total", "Audio chunks handed to the recognizers.",
				tot(func(t rooms.Totals) float64 { return float64(t.Chunks) })),
			counter("earshot_audio_dropped_chunks_total", "Audio chunks dropped because a recognizer was behind.",
				tot(func(t rooms.Totals) float64 { return float64(t.Dropped) })),
			counter("earshot_utterances_total", "Final utterances recognized or posted as text.",
				tot(func(t rooms.Totals) float64 { return float64(t.Utterances) })),
			counter("earshot_alerts_total", "Alerts accepted by the sink.",
				tot(func(t rooms.Totals) float64 { return float64(t.Alerts) })),
			counter("earshot_source_packets_received_total", "Network packets the sources received (RTP of WHIP and WHEP audio tracks).",
				srcTot(func(s ingest.SourceStats) float64 { return float64(s.Packets) })),
			counter("earshot_source_received_bytes_total", "Payload bytes of those packets.",
				srcTot(func(s ingest.SourceStats) float64 { return float64(s.Bytes) })),
			counter("earshot_source_packets_lost_total", "Packets never received in time (sequence gaps after reordering).",
				srcTot(func(s ingest.SourceStats) float64 { return float64(s.PacketsLost) })),
			counter("earshot_source_packets_late_total", "Packets that arrived after the audio around them was decoded.",
				srcTot(func(s ingest.SourceStats) float64 { return float64(s.PacketsLate) })),
			counter("earshot_source_decode_errors_total", "Packets or frames the sources' decoders rejected (Opus; ffmpeg).",
				srcTot(func(s ingest.SourceStats) float64 { return float64(s.DecodeErrors) })),
			counter("earshot_source_concealed_seconds_total", "Stream time filled with silence for lost or undecodable audio.",
				srcTot(func(s ingest.SourceStats) float64 { return float64(s.ConcealedMs) / 1000 })),
			counter("earshot_source_dropped_chunks_total", "Decoded chunks a source dropped because its consumer fell behind.",
				srcTot(func(s ingest.SourceStats) float64 { return float64(s.DroppedChunks) })),
			counter("earshot_evidence_clips_saved_total", "Evidence clips written.",
				func(s *snapshot) float64 { return float64(s.evidence.Saved) }),
			counter("earshot_evidence_clips_dropped_total", "Evidence clips not written because the queue was full (the alert was kept).",
				func(s *snapshot) float64 { return float64(s.evidence.Dropped) }),
			counter("earshot_evidence_clips_failed_total", "Evidence clips lost to missing audio or a disk error.",
				func(s *snapshot) float64 { return float64(s.evidence.Failed) }),
		},
		transcriptsS: []sample{
			counter("earshot_transcripts_indexed_total", "Final utterances indexed by the transcript store.",
				func(s *snapshot) float64 { return float64(s.transcripts.Indexed) }),
			counter("earshot_transcripts_dropped_total", "Final utterances the transcript store dropped (queue full or closed).",
				func(s *snapshot) float64 { return float64(s.transcripts.Dropped) }),
			counter("earshot_transcripts_expired_total", "Final utterances older than the retention when they arrived.",
				func(s *snapshot) float64 { return float64(s.transcripts.Expired) }),
			counter("earshot_transcripts_failed_total", "Final utterances the index refused for good.",
				func(s *snapshot) float64 { return float64(s.transcripts.Failed) }),
			counter("earshot_transcripts_retried_batches_total", "Batches the transcript store tried again after a failure.",
				func(s *snapshot) float64 { return float64(s.transcripts.Retried) }),
			gauge("earshot_transcripts_waiting", "Final utterances kept for the transcript store's next try.",
				func(s *snapshot) float64 { return float64(s.transcripts.Waiting) }),
			gauge("earshot_transcript_partitions", "Daily partitions the transcript store holds.",
				func(s *snapshot) float64 { return float64(s.transcripts.Partitions) }),
			gauge("earshot_transcript_partitions_quarantined", "Damaged transcript partitions moved aside.",
				func(s *snapshot) float64 { return float64(s.transcripts.Quarantined) }),
		},
	}
}

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.rooms
	ch <- c.recErrors
	ch <- c.lexiconRefused
	for _, s := range slices.Concat(c.samples, c.transcriptsS) {
		ch <- s.desc
	}
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	var snap snapshot
	if c.src.rooms != nil {
		snap.sum, snap.evidence = c.src.rooms.Summary(), c.src.rooms.Evidence()
		for state, n := range snap.sum.States {
			ch <- prometheus.MustNewConstMetric(c.rooms, prometheus.GaugeValue, float64(n), string(state))
		}
		c.emit(ch, c.samples, &snap)
	}
	if c.src.transcripts != nil {
		snap.transcripts = c.src.transcripts()
		c.emit(ch, c.transcriptsS, &snap)
	}
	if c.src.recognizers != nil {
		c.recognizerErrors(ch)
	}
	if c.src.lexiconRefused != nil {
		ch <- prometheus.MustNewConstMetric(c.lexiconRefused, prometheus.CounterValue, float64(c.src.lexiconRefused()))
	}
}

func (c *collector) emit(ch chan<- prometheus.Metric, samples []sample, snap *snapshot) {
	for _, s := range samples {
		ch <- prometheus.MustNewConstMetric(s.desc, s.kind, s.value(snap))
	}
}

// recognizerErrors adds up the engines by name: two instances of one
// engine (the default and a room's) are one series.
func (c *collector) recognizerErrors(ch chan<- prometheus.Metric) {
	byName := map[string]uint64{}
	for _, rec := range c.src.recognizers() {
		if ec, ok := rec.(transcript.ErrorCounter); ok {
			byName[rec.Name()] += ec.Errors()
		}
	}
	for name, n := range byName {
		ch <- prometheus.MustNewConstMetric(c.recErrors, prometheus.CounterValue, float64(n), name)
	}
}
