package app

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/earshot/earshot/rooms"
)

// roomCollector reads the registry at scrape time, so the hot path keeps
// only its own atomic counters and no metric library calls.
type roomCollector struct {
	reg                                  *rooms.Registry
	live, heard, chunks, dropped, alerts *prometheus.Desc
}

func newRoomCollector(reg *rooms.Registry) *roomCollector {
	room := []string{"room"}
	return &roomCollector{
		reg:     reg,
		live:    prometheus.NewDesc("earshot_rooms_live", "Rooms with a live audio session.", nil, nil),
		heard:   prometheus.NewDesc("earshot_room_heard_seconds", "Stream time heard in the room's current session.", room, nil),
		chunks:  prometheus.NewDesc("earshot_room_chunks_total", "Audio chunks handed to the recognizer in the current session.", room, nil),
		dropped: prometheus.NewDesc("earshot_room_dropped_chunks_total", "Audio chunks dropped because the recognizer was behind.", room, nil),
		alerts:  prometheus.NewDesc("earshot_room_alerts_total", "Alerts accepted by the sink in the current session.", room, nil),
	}
}

func (c *roomCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.live, c.heard, c.chunks, c.dropped, c.alerts} {
		ch <- d
	}
}

func (c *roomCollector) Collect(ch chan<- prometheus.Metric) {
	live := 0
	for _, st := range c.reg.Rooms() {
		if st.State == "live" {
			live++
		}
		id := st.Room.ID
		ch <- prometheus.MustNewConstMetric(c.heard, prometheus.GaugeValue, float64(st.HeardMs)/1000, id)
		ch <- prometheus.MustNewConstMetric(c.chunks, prometheus.CounterValue, float64(st.Chunks), id)
		ch <- prometheus.MustNewConstMetric(c.dropped, prometheus.CounterValue, float64(st.Dropped), id)
		ch <- prometheus.MustNewConstMetric(c.alerts, prometheus.CounterValue, float64(st.Alerts), id)
	}
	ch <- prometheus.MustNewConstMetric(c.live, prometheus.GaugeValue, float64(live))
}

// metricsHandler serves Prometheus metrics from a registry of this service's
// own, not the global default one.
func metricsHandler(reg *rooms.Registry) http.Handler {
	pr := prometheus.NewRegistry()
	pr.MustRegister(newRoomCollector(reg), collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return promhttp.HandlerFor(pr, promhttp.HandlerOpts{})
}
