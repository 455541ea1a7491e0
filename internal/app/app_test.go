package app

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/server"
	"github.com/earshot/earshot/transcript/store"
)

// startText runs a whole service (embedded NATS, JetStream alert stream,
// lexicon versions, transcript store, HTTP API) for text-only rooms.
func startText(t *testing.T) (*Service, string) {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.HTTP.Addr, cfg.NATS.Listen = "127.0.0.1:0", "127.0.0.1:0"
	cfg.Recognizer.Engine = "none"
	svc, err := Start(context.Background(), cfg, testutil.Quiet())
	if err != nil {
		t.Fatalf("starting service: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		svc.Close(ctx)
	})
	return svc, "http://" + svc.HTTPAddr()
}

// metricSum adds up every series of the counter or gauge families whose
// name ends in suffix (with or without per-room labels).
func metricSum(t *testing.T, tok, base, suffix string) float64 {
	t.Helper()
	code, body := testutil.Do(t, http.MethodGet, base+"/metrics", tok, "")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", code, body)
	}
	sum, found := testutil.MetricSum(testutil.Metrics(t, body), suffix)
	if !found {
		t.Logf("no series ending in %q in /metrics", suffix)
	}
	return sum
}

// TestPostedTextIsCounted: text posted through the utterances API takes
// the one path from hypothesis to alert: a violation raises the room's
// utterances and alerts by one each, /metrics counts the alert, and the
// alert is in the durable alert log.
func TestPostedTextIsCounted(t *testing.T) {
	svc, base := startText(t)
	tok, err := svc.Mint(auth.Request{Role: api.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	type roomStatus struct {
		State      string `json:"state"`
		Utterances uint64 `json:"utterances"`
		Alerts     uint64 `json:"alerts"`
		Total      struct {
			Utterances uint64 `json:"utterances"`
			Alerts     uint64 `json:"alerts"`
		} `json:"total"`
	}
	steps := []struct {
		body       string
		alerts     int // -1: at least one
		utterances uint64
	}{
		{`{"text": "this cream cures diabetes", "start_ms": 0, "end_ms": 1800}`, 1, 1},
		{`[{"text": "welcome back everyone"}, {"text": "see you tomorrow"}]`, 0, 3},
		{`{"text": "加我威信，私聊给你优惠"}`, -1, 4},
	}
	var alertsSum uint64
	for i, st := range steps {
		var res struct {
			Alerts []struct {
				RuleID string `json:"rule_id"`
			} `json:"alerts"`
		}
		if code := testutil.DoJSON(t, "POST", base+"/v1/rooms/r1/utterances", tok, st.body, &res); code != http.StatusOK {
			t.Fatalf("step %d: POST utterances: %d", i, code)
		}
		if len(res.Alerts) != st.alerts && (st.alerts >= 0 || len(res.Alerts) == 0) {
			t.Fatalf("step %d: %d alerts in the answer, want %d", i, len(res.Alerts), st.alerts)
		}
		alertsSum += uint64(len(res.Alerts))
		var rs roomStatus
		if code := testutil.DoJSON(t, "GET", base+"/v1/rooms/r1", tok, "", &rs); code != http.StatusOK {
			t.Fatalf("step %d: GET room: %d", i, code)
		}
		if rs.Utterances != st.utterances || rs.Alerts != alertsSum ||
			rs.Total.Utterances != st.utterances || rs.Total.Alerts != alertsSum {
			t.Errorf("step %d: room %+v, want %d utterances and %d alerts", i, rs, st.utterances, alertsSum)
		}
		if got := metricSum(t, tok, base, "alerts_total"); got != float64(alertsSum) {
			t.Errorf("step %d: /metrics counts %v alerts, want %d", i, got, alertsSum)
		}
	}
	var log struct {
		Alerts []struct {
			Room string `json:"room"`
		} `json:"alerts"`
	}
	if code := testutil.DoJSON(t, "GET", base+"/v1/alerts?room=r1", tok, "", &log); code != http.StatusOK || uint64(len(log.Alerts)) != alertsSum {
		t.Errorf("alert log: %d %+v, want the %d alerts", code, log, alertsSum)
	}
}

// TestLimitDefaultsAgree: the configuration's defaults are the server's,
// so a service started from config.Default() has the documented limits.
func TestLimitDefaultsAgree(t *testing.T) {
	got := httpLimits(config.Default().HTTP)
	want := server.DefaultLimits()
	if got != want {
		t.Fatalf("config.Default() limits %+v\nserver.DefaultLimits() %+v", got, want)
	}
	if got, want := searchLimits(config.Default().Transcripts.Search), store.DefaultSearchLimits(); got != want {
		t.Fatalf("config.Default() search limits %+v, store.DefaultSearchLimits() %+v", got, want)
	}
	if int64(config.Default().HTTP.Limits.MaxUpload) != 1<<30 {
		t.Fatalf("max_upload default %v, want 1GiB", config.Default().HTTP.Limits.MaxUpload)
	}
}
