package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/alerter/webhook/webhooktest"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

const hookSecret = "app-test-secret-0123456789"

// webhookConfig is a text-only service whose webhook deliveries retry
// fast, and whose outbound policy admits the loopback receivers.
func webhookConfig(t *testing.T) config.Config {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.HTTP.Addr, cfg.NATS.Listen = "127.0.0.1:0", "127.0.0.1:0"
	cfg.Recognizer.Engine = "none"
	cfg.Ingest.AllowHosts = []string{"127.0.0.1"}
	d := &cfg.WebhookDelivery
	d.Timeout, d.BackoffMin, d.BackoffMax = config.Duration(time.Second), config.Duration(50*time.Millisecond), config.Duration(200*time.Millisecond)
	return cfg
}

// running is a started service, its API and an admin token; stop closes
// it once (the test's cleanup calls it too).
type running struct {
	svc       *Service
	base, tok string
	stop      func()
}

func startWith(t *testing.T, cfg config.Config) running {
	t.Helper()
	svc, err := Start(context.Background(), cfg, testutil.Quiet())
	if err != nil {
		t.Fatalf("starting service: %v", err)
	}
	stop := sync.OnceFunc(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		svc.Close(ctx)
	})
	t.Cleanup(stop)
	tok, err := svc.Mint(auth.Request{Role: api.RoleAdmin, Subject: "webhook-test"})
	if err != nil {
		t.Fatal(err)
	}
	return running{svc: svc, base: "http://" + svc.HTTPAddr(), tok: tok, stop: stop}
}

func deliveries(t *testing.T, base, tok, id string) []api.Delivery {
	t.Helper()
	var l api.DeliveryList
	if code := testutil.DoJSON(t, http.MethodGet, base+"/v1/webhooks/"+id+"/deliveries", tok, "", &l); code != http.StatusOK {
		t.Fatalf("GET deliveries: %d", code)
	}
	return l.Deliveries
}

// TestWebhooksSurviveRestart: the receiver verifies every signature and
// answers 500, 500, then hangs past the 1 s timeout, then 200; the
// service is closed and started again on the same data dir while the
// retries are under way. Every event (the alert and the reminder of a
// posted violation) is accepted exactly once per delivery id, the
// deliveries API shows the four attempts, and the config file's endpoint
// gets the same events.
func TestWebhooksSurviveRestart(t *testing.T) {
	flaky := webhooktest.New(t, hookSecret, func(_ string, n int) (int, http.Header) {
		switch n {
		case 1, 2:
			return http.StatusInternalServerError, nil
		case 3:
			return webhooktest.Hang, nil
		}
		return http.StatusOK, nil
	})
	fromFile := webhooktest.New(t, hookSecret, webhooktest.OK)
	cfg := webhookConfig(t)
	cfg.Webhooks = []config.Webhook{{URL: fromFile.URL + "/cfg", Secret: hookSecret, Events: []string{"alert", "reminder"}}}
	r := startWith(t, cfg)
	base, tok := r.base, r.tok

	var hook api.Webhook
	body := `{"url": "` + flaky.URL + `/hook", "secret": "` + hookSecret + `", "events": ["alert", "reminder"]}`
	if code := testutil.DoJSON(t, http.MethodPost, base+"/v1/webhooks", tok, body, &hook); code != http.StatusCreated || hook.ID == "" || hook.Secret != "" {
		t.Fatalf("POST /v1/webhooks: %d %+v", code, hook)
	}
	if code, b := testutil.Do(t, http.MethodPost, base+"/v1/rooms/r1/utterances", tok, `{"text": "this cream cures diabetes"}`); code != http.StatusOK {
		t.Fatalf("POST utterances: %d %s", code, b)
	}
	testutil.Eventually(t, 30*time.Second, func() error {
		ds := deliveries(t, base, tok, hook.ID)
		if len(ds) != 2 || ds[0].Attempts < 1 || ds[1].Attempts < 1 {
			return fmt.Errorf("deliveries before the restart: %+v", ds)
		}
		return nil
	})
	r.stop()
	r = startWith(t, cfg)
	base, tok = r.base, r.tok

	var got []api.Delivery
	testutil.Eventually(t, 60*time.Second, func() error {
		got = deliveries(t, base, tok, hook.ID)
		for _, d := range got {
			if d.Status != api.DeliveryDelivered {
				return fmt.Errorf("not delivered yet: %+v", d)
			}
		}
		if len(got) != 2 {
			return fmt.Errorf("%d deliveries, want 2", len(got))
		}
		return nil
	})
	for _, d := range got {
		if d.Attempts != 4 || d.LastStatus != http.StatusOK || d.Event == "" || d.Subject == "" {
			t.Errorf("delivery %+v: want 4 attempts, the last 200", d)
		}
	}
	_, bad := flaky.Hits()
	if len(bad) > 0 {
		t.Errorf("signatures that did not verify: %q", bad)
	}
	for name, r := range map[string]*webhooktest.Receiver{"api endpoint": flaky, "config endpoint": fromFile} {
		acc := r.Accepted()
		if len(acc) != 2 {
			t.Errorf("%s: %d distinct deliveries accepted, want 2 (alert, reminder): %v", name, len(acc), acc)
		}
		for id, n := range acc {
			if n != 1 {
				t.Errorf("%s: delivery %s accepted %d times", name, id, n)
			}
		}
	}
	// Two 500s before the restart or after it, a timeout or an
	// interruption, then a 200: the counters of this node saw some of it.
	if n := metricSum(t, tok, base, "webhook_attempts_total"); n < 2 {
		t.Errorf("earshot_webhook_attempts_total %v after the restart, want at least the 2 deliveries", n)
	}
	if n := metricSum(t, tok, base, "webhook_endpoints"); n != 2 {
		t.Errorf("earshot_webhook_endpoints %v, want 2", n)
	}
	types := map[string]int{}
	hits, _ := flaky.Hits()
	for _, h := range hits {
		if h.Status == http.StatusOK {
			types[h.Body["type"].(string)]++
			if h.Body["room"] != "r1" {
				t.Errorf("delivered body lost the event's fields: %v", h.Body)
			}
		}
	}
	if types["alert"] != 1 || types["reminder"] != 1 {
		t.Errorf("accepted types %v, want one alert and one reminder", types)
	}
}

// TestWebhookAPIRefuses: bad JSON, URLs, events and secrets get their
// error codes; a URL outside the allow list is refused; only admin tokens
// may call; a listed endpoint never shows its secret; a config file's
// endpoint cannot be deleted through the API.
func TestWebhookAPIRefuses(t *testing.T) {
	cfg := webhookConfig(t)
	cfg.Webhooks = []config.Webhook{{URL: "http://127.0.0.1:9/cfg", Secret: hookSecret, Events: []string{"escalation"}}}
	r := startWith(t, cfg)
	svc, base, tok := r.svc, r.base, r.tok
	for _, c := range []struct {
		body string
		code api.Code
		says string
	}{
		{`{"url": `, api.CodeBadWebhook, "body"},
		{`{"url": "http://127.0.0.1/x", "events": ["alert"], "extra": 1}`, api.CodeBadWebhook, "extra"},
		{`{"url": "ftp://127.0.0.1/x", "secret": "` + hookSecret + `", "events": ["alert"]}`, api.CodeBadWebhook, "http"},
		{`{"url": "http://127.0.0.1/x", "secret": "` + strings.Repeat("s", 257) + `", "events": ["alert"]}`, api.CodeBadWebhook, "secret"},
		{`{"url": "http://127.0.0.1/x", "secret": "` + hookSecret + `", "events": []}`, api.CodeBadWebhook, "events"},
		{`{"url": "http://127.0.0.1/x", "secret": "` + hookSecret + `", "events": ["alert", "alerts", "page"]}`, api.CodeBadWebhook, `"alerts", "page"`},
		{`{"url": "http://10.0.0.7/x", "secret": "` + hookSecret + `", "events": ["alert"]}`, api.CodeURLRefused, "ingest.allow_hosts"},
		{`{"url": "http://[::1]:8080/x", "secret": "` + hookSecret + `", "events": ["alert"]}`, api.CodeURLRefused, "loopback"},
		// An empty secret is a mistake, not a request for a generated one
		// (that is the field left out).
		{`{"url": "http://127.0.0.1/x", "secret": "", "events": ["alert"]}`, api.CodeBadWebhook, "secret: empty"},
		{`{"url": "http://127.0.0.1/x", "secret": "   ", "events": ["alert"]}`, api.CodeBadWebhook, "secret"},
		{`{"url": "http://127.0.0.1/x", "secret": "` + strings.Repeat("s", 20<<10) + `", "events": ["alert"]}`, api.CodeTooLarge, "16384"},
		{`{"url": "http://127.0.0.1/x", "secret": "` + hookSecret + `", "events": "alert"}`, api.CodeBadWebhook, "events"},
	} {
		var e api.ErrorResponse
		code := testutil.DoJSON(t, http.MethodPost, base+"/v1/webhooks", tok, c.body, &e)
		if code != c.code.Status() || e.Error.Code != c.code || !strings.Contains(e.Error.Message, c.says) {
			t.Errorf("POST %.120s: %d %+v, want %s naming %q", c.body, code, e.Error, c.code, c.says)
		}
	}
	compliance, err := svc.Mint(auth.Request{Role: api.RoleCompliance})
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := testutil.Do(t, http.MethodGet, base+"/v1/webhooks", compliance, ""); code != http.StatusForbidden {
		t.Errorf("GET /v1/webhooks with a compliance token: %d, want 403", code)
	}
	var created api.Webhook
	if code := testutil.DoJSON(t, http.MethodPost, base+"/v1/webhooks", tok, `{"url": "http://127.0.0.1:9/gen", "events": ["appeal", "disposition"]}`, &created); code != http.StatusCreated || !strings.HasPrefix(created.Secret, "whsec_") {
		t.Fatalf("POST without a secret: %d %+v, want a generated secret shown once", code, created)
	}
	code, raw := testutil.Do(t, http.MethodGet, base+"/v1/webhooks", tok, "")
	if code != http.StatusOK || strings.Contains(string(raw), "secret") || strings.Contains(string(raw), hookSecret) {
		t.Errorf("GET /v1/webhooks: %d %s: want the endpoints and no secret", code, raw)
	}
	var list api.WebhookList
	_ = json.Unmarshal(raw, &list)
	if len(list.Webhooks) != 2 {
		t.Fatalf("list: %+v", list)
	}
	for _, w := range list.Webhooks {
		want := http.StatusNoContent
		if w.Source == api.WebhookFromConfig {
			want = api.CodeWebhookConfig.Status()
		}
		if code, b := testutil.Do(t, http.MethodDelete, base+"/v1/webhooks/"+w.ID, tok, ""); code != want {
			t.Errorf("DELETE %s endpoint: %d %s, want %d", w.Source, code, b, want)
		}
	}
	for _, p := range []string{"/v1/webhooks/" + created.ID, "/v1/webhooks/wh_nosuch/deliveries"} {
		var e api.ErrorResponse
		if code := testutil.DoJSON(t, http.MethodGet, base+p, tok, "", &e); code != http.StatusNotFound || e.Error.Code != api.CodeUnknownWebhook {
			t.Errorf("GET %s: %d %+v, want unknown_webhook", p, code, e.Error)
		}
	}
	cfgID := list.Webhooks[0].ID
	if list.Webhooks[0].Source != api.WebhookFromConfig {
		cfgID = list.Webhooks[1].ID
	}
	var e api.ErrorResponse
	if code := testutil.DoJSON(t, http.MethodPost, base+"/v1/webhooks/"+cfgID+"/deliveries/dlv_nosuch/redeliver", tok, "", &e); code != http.StatusNotFound || e.Error.Code != api.CodeUnknownDelivery {
		t.Errorf("redeliver of an unknown delivery: %d %+v", code, e.Error)
	}
	for _, q := range []string{"limit=0", "limit=x", "colour=red", "limit=5&limit=6"} {
		if code, b := testutil.Do(t, http.MethodGet, base+"/v1/webhooks/"+cfgID+"/deliveries?"+q, tok, ""); code != http.StatusBadRequest || !strings.Contains(string(b), "bad_query") {
			t.Errorf("?%s: %d %s, want 400 bad_query", q, code, b)
		}
	}
}

// TestDeadReceiverDelaysNothing: an endpoint that never answers (its
// attempts hang for the whole test) holds up neither the other endpoint's
// deliveries nor the anchors' reminders.
func TestDeadReceiverDelaysNothing(t *testing.T) {
	dead := webhooktest.New(t, hookSecret, func(string, int) (int, http.Header) { return webhooktest.Hang, nil })
	live := webhooktest.New(t, hookSecret, webhooktest.OK)
	cfg := webhookConfig(t)
	cfg.WebhookDelivery.Timeout = config.Duration(10 * time.Minute)
	cfg.Webhooks = []config.Webhook{
		{URL: dead.URL, Secret: hookSecret, Events: []string{"alert", "reminder"}},
		{URL: live.URL, Secret: hookSecret, Events: []string{"alert", "reminder"}},
	}
	r := startWith(t, cfg)
	svc, base, tok := r.svc, r.base, r.tok
	const rooms = 6
	reminders := make(chan string, 2*rooms)
	for i := range rooms {
		room := "room" + string(rune('a'+i))
		nc := natstest.Connect(t, svc.NATSURL(), svc.NATSAuth(), natsauth.User{Role: natsauth.RoleAnchor, Room: room})
		if _, err := nc.Subscribe(alerter.ReminderSubject(room), func(*nats.Msg) { reminders <- room }); err != nil {
			t.Fatal(err)
		}
		if err := nc.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	for i := range rooms {
		room := "room" + string(rune('a'+i))
		if code, b := testutil.Do(t, http.MethodPost, base+"/v1/rooms/"+room+"/utterances", tok, `{"text": "this cream cures diabetes"}`); code != http.StatusOK {
			t.Fatalf("POST utterances: %d %s", code, b)
		}
	}
	for range rooms {
		select {
		case <-reminders:
		case <-time.After(30 * time.Second):
			t.Fatal("a reminder did not arrive while a webhook receiver hangs")
		}
	}
	testutil.WaitFor(t, 30*time.Second, "the live receiver to get every alert and reminder", func() bool { return len(live.Accepted()) == 2*rooms })
	if acc := dead.Accepted(); len(acc) != 0 {
		t.Errorf("the hanging receiver answered: %v", acc)
	}
}
