package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/internal/tts"
	"github.com/earshot/earshot/rooms"
)

// TestMetricsCarryNoRoom: with several rooms monitored, /metrics counts
// their sessions and audio, and the alert a posted violation raised, in
// series that name no room: per-room figures are GET /v1/rooms' job.
func TestMetricsCarryNoRoom(t *testing.T) {
	if testing.Short() {
		t.Skip("speech end-to-end test")
	}
	svc := startService(t, nil)
	c := apiClient(t, svc)
	wav := synth(t, tts.FliteSLT, "Hello everyone and welcome to the live room.")
	ended := string(rooms.StateEnded) // before the package name is shadowed
	rooms := []string{"metrics-a", "metrics-b", "metrics-c"}
	for _, room := range rooms {
		upload(t, c, api.Room{ID: room}, api.PaceFast, wav)
	}
	var heardMs, utterances, alerts float64
	for _, room := range rooms {
		st := waitEnded(t, c, room, 2*time.Minute)
		heardMs += float64(st.HeardMs)
		utterances += float64(st.Utterances)
		alerts += float64(st.Alerts)
	}
	// Text from a platform's own ASR goes down the same path and counts.
	res, err := c.PostUtterances(context.Background(), api.Room{ID: "metrics-text"}, api.Utterance{Text: "add me on WeChat for a better price"})
	if err != nil || len(res.Alerts) != 1 {
		t.Fatalf("posted violation: %+v, %v; want one alert", res, err)
	}
	utterances, alerts = utterances+1, alerts+1

	fams := scrapeMetrics(t, c)
	for name, fam := range fams {
		for _, m := range fam.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "room" || strings.HasPrefix(l.GetValue(), "metrics-") {
					t.Errorf("%s carries %s=%q", name, l.GetName(), l.GetValue())
				}
			}
		}
	}
	one := func(name string) float64 { return oneSeries(t, fams, name) }
	if got := one("earshot_sessions_total"); got != float64(len(rooms)) {
		t.Errorf("earshot_sessions_total %v, want %d", got, len(rooms))
	}
	if got, want := one("earshot_audio_heard_seconds_total"), heardMs/1000; fmt.Sprintf("%.3f", got) != fmt.Sprintf("%.3f", want) {
		t.Errorf("earshot_audio_heard_seconds_total %v, want the rooms' %v", got, want)
	}
	for _, m := range fams["earshot_rooms"].GetMetric() {
		if l := m.GetLabel(); len(l) == 1 && l[0].GetValue() == ended && m.GetGauge().GetValue() != float64(len(rooms)) {
			t.Errorf(`earshot_rooms{state="ended"} %v, want %d`, m.GetGauge().GetValue(), len(rooms))
		}
	}
	if got := one("earshot_utterances_total"); got != utterances || got < 2 {
		t.Errorf("earshot_utterances_total %v, want the rooms' %v (and some)", got, utterances)
	}
	if got := one("earshot_alerts_total"); got != alerts {
		t.Errorf("earshot_alerts_total %v, want the rooms' %v", got, alerts)
	}
}

// scrapeMetrics reads and parses the service's /metrics.
func scrapeMetrics(t *testing.T, c *api.Client) map[string]*dto.MetricFamily {
	t.Helper()
	body, err := c.Metrics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return testutil.Metrics(t, body)
}

// oneSeries is the value of a metric that has a single, unlabelled series.
func oneSeries(t *testing.T, fams map[string]*dto.MetricFamily, name string) float64 {
	t.Helper()
	fam := fams[name]
	if fam == nil || len(fam.GetMetric()) != 1 {
		t.Fatalf("%s: want one series, got %v", name, fam)
	}
	m := fam.GetMetric()[0]
	if m.Counter != nil {
		return m.Counter.GetValue()
	}
	return m.Gauge.GetValue()
}
