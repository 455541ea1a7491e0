package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter/webhook/webhooktest"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/testutil"
)

// TestWebhooksFromConfigFile: an endpoint listed in a YAML config file
// (the real parse and validation path of `earshot serve --config`) gets
// every kind of event of a compliance round trip, signed: the alerts and
// reminders of an anchor repeating a medical claim, the staff escalation
// the repeat raises (the shipped policy: 2 reminders), the reviewer's
// confirmation and the anchor's appeal. The receiver answers 503 to each
// delivery's first attempt; every delivery is accepted exactly once.
func TestWebhooksFromConfigFile(t *testing.T) {
	const secret = "e2e-webhook-secret-0123456789"
	rcv := webhooktest.New(t, secret, func(_ string, n int) (int, http.Header) {
		if n == 1 {
			return http.StatusServiceUnavailable, nil
		}
		return http.StatusOK, nil
	})
	yaml := fmt.Sprintf(`
ingest:
  allow_hosts: [127.0.0.1]
alerts:
  cooldown: 1ms
webhook_delivery:
  timeout: 2s
  backoff_min: 50ms
  backoff_max: 200ms
webhooks:
  - url: %s/earshot
    secret: %s
    events: [alert, reminder, escalation, disposition, appeal]
`, rcv.URL, secret)
	path := filepath.Join(t.TempDir(), "earshot.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	fromFile := config.Default()
	if err := fromFile.LoadFile(path); err != nil {
		t.Fatal(err)
	}
	svc := startService(t, func(c *config.Config) {
		c.Recognizer.Engine = "none"
		c.Ingest.AllowHosts, c.Alerts.Cooldown = fromFile.Ingest.AllowHosts, fromFile.Alerts.Cooldown
		c.Webhooks, c.WebhookDelivery = fromFile.Webhooks, fromFile.WebhookDelivery
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
	})
	ctx := context.Background()
	admin := apiClient(t, svc, api.WithToken(mint(t, svc, api.RoleAdmin, "")))
	anchor := apiClient(t, svc, api.WithToken(mint(t, svc, api.RoleAnchor, "r1")))
	hooks, err := admin.Webhooks(ctx)
	if err != nil || len(hooks) != 1 || hooks[0].Source != api.WebhookFromConfig {
		t.Fatalf("webhooks: %v %+v", err, hooks)
	}

	room := api.Room{ID: "r1", Anchor: "anchor-1", Merchant: "m-1"}
	var first string
	for range 2 {
		res, err := admin.PostUtterances(ctx, room, api.Utterance{Text: "this cream cures diabetes"})
		if err != nil || len(res.Alerts) == 0 {
			t.Fatalf("utterances: %v %+v", err, res)
		}
		if first == "" {
			first = res.Alerts[0].ID
		}
	}
	if _, err := admin.Dispose(ctx, first, api.DispositionRequest{Decision: api.Confirmed}); err != nil {
		t.Fatal(err)
	}
	if _, err := anchor.Appeal(ctx, first, "I said it cures nothing"); err != nil {
		t.Fatal(err)
	}

	want := map[string]int{api.EventAlert: 2, api.EventReminder: 2, api.EventEscalation: 1, api.EventDisposition: 1, api.EventAppeal: 1}
	testutil.Eventually(t, time.Minute, func() error {
		got := map[string]int{}
		hits, _ := rcv.Hits()
		for _, h := range hits {
			if h.Status == http.StatusOK {
				got[h.Event]++
			}
		}
		for typ, n := range want {
			if got[typ] < n {
				return fmt.Errorf("accepted %v, want at least %v", got, want)
			}
		}
		return nil
	})
	hits, bad := rcv.Hits()
	if len(bad) > 0 {
		t.Errorf("signatures that did not verify: %q", bad)
	}
	for id, n := range rcv.Accepted() {
		if n != 1 {
			t.Errorf("delivery %s accepted %d times", id, n)
		}
	}
	for _, h := range hits {
		if h.Body["type"] != h.Event || h.Body["room"] != "r1" {
			t.Errorf("delivery %s: body %v", h.Delivery, h.Body)
		}
	}
	ds, err := admin.Deliveries(ctx, hooks[0].ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Status == api.DeliveryDelivered && (d.Attempts != 2 || d.LastStatus != http.StatusOK) {
			t.Errorf("delivery %+v: want 2 attempts (503, then 200)", d)
		}
	}
	d, err := admin.Redeliver(ctx, hooks[0].ID, ds[0].ID)
	if err != nil || d.Redeliveries != 1 {
		t.Fatalf("redeliver: %v %+v", err, d)
	}
	testutil.WaitFor(t, 30*time.Second, "the manual redelivery", func() bool { return rcv.Accepted()[ds[0].ID] == 2 })
}
