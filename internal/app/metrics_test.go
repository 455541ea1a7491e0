package app

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/openai"
	"github.com/earshot/earshot/transcript/store"
)

// scrape serves /metrics once and parses it.
func scrape(t *testing.T, src metricSources) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	newMetricsHandler(src).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return testutil.Metrics(t, rec.Body.Bytes())
}

// TestMetricsNoUnboundedLabels: with rooms live, no series on /metrics
// carries a room (or any other id) label, the earshot_ series are the same
// set whether 3 or 30 rooms are live, and the aggregates add the rooms up.
func TestMetricsNoUnboundedLabels(t *testing.T) {
	allowed := map[string]bool{"state": true, "engine": true} // label names of bounded sets
	oa, err := openai.New(openai.Config{BaseURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(store.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(t.Context()) })

	series := map[int]int{}
	for _, n := range []int{3, 30} {
		reg := liveRegistry(t, n)
		ids := map[string]bool{}
		for _, s := range reg.Rooms() {
			ids[s.Room.ID] = true
		}
		fams := scrape(t, metricSources{rooms: reg, transcripts: st.Stats,
			recognizers: func() []transcript.Recognizer { return []transcript.Recognizer{oa} }})
		for name, fam := range fams {
			if !strings.HasPrefix(name, "earshot_") {
				continue
			}
			for _, m := range fam.GetMetric() {
				series[n]++
				for _, l := range m.GetLabel() {
					if !allowed[l.GetName()] || ids[l.GetValue()] {
						t.Errorf("%d rooms: %s has label %s=%q", n, name, l.GetName(), l.GetValue())
					}
				}
			}
		}
		tests := []struct {
			name   string
			labels string
			want   float64
		}{
			{"earshot_rooms", "state=live", float64(n)},
			{"earshot_rooms", "state=failed", 0},
			{"earshot_sessions_total", "", float64(n)},
			{"earshot_audio_chunks_total", "", float64(n)},
			{"earshot_audio_received_bytes_total", "", float64(n * 640)},
			{"earshot_alerts_total", "", 0},
			{"earshot_source_packets_lost_total", "", float64(2 * n)},
			{"earshot_source_decode_errors_total", "", float64(n)},
			{"earshot_transcripts_dropped_total", "", 0},
			{"earshot_recognizer_errors_total", "engine=openai", 0},
		}
		for _, tc := range tests {
			got, ok := value(fams[tc.name], tc.labels)
			if !ok || got != tc.want {
				t.Errorf("%d rooms: %s{%s} = %v (present %v), want %v", n, tc.name, tc.labels, got, ok, tc.want)
			}
		}
	}
	if series[3] != series[30] || series[3] == 0 {
		t.Errorf("earshot_ series: %d with 3 rooms, %d with 30: the count must not grow with rooms", series[3], series[30])
	}
}

// value finds the series of fam whose labels, as "k=v,k=v", are labels.
func value(fam *dto.MetricFamily, labels string) (float64, bool) {
	for _, m := range fam.GetMetric() {
		var ls []string
		for _, l := range m.GetLabel() {
			ls = append(ls, fmt.Sprintf("%s=%s", l.GetName(), l.GetValue()))
		}
		if strings.Join(ls, ",") != labels {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		}
	}
	return 0, false
}
