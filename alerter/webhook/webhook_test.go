package webhook

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/webhook/webhooktest"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/netguard"
	"github.com/earshot/earshot/internal/testutil"
)

func create(t *testing.T, s *Service, url string, events ...string) api.Webhook {
	t.Helper()
	w, err := s.Create(context.Background(), api.WebhookRequest{URL: url, Secret: testSecret, Events: events})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return w
}

// Each event is delivered exactly once as seen by its delivery id,
// through two 500s and a timeout, signed on every attempt, with the
// retries in the deliveries records; a restart of the service in the
// middle of the retries loses nothing.
func TestRetriesUntilDelivered(t *testing.T) {
	e := newEnv(t)
	rcv := newReceiver(t, func(_ string, n int) (int, http.Header) {
		switch n {
		case 1, 2:
			return http.StatusInternalServerError, nil
		case 3:
			return webhooktest.Hang, nil // times out
		}
		return http.StatusNoContent, nil
	})
	s := e.start(t, e.opts())
	w := create(t, s, rcv.URL+"/hook", api.EventAlert, api.EventReminder, api.EventEscalation)
	e.publish(t, alerter.AlertSubject("claims", "r1"), alerter.Alert{Schema: 1, ID: "A1", Room: "r1", Category: "claims"})
	e.publish(t, alerter.ReminderSubject("r1"), alerter.Reminder{Schema: 1, AlertID: "A1", Room: "r1"})
	e.publish(t, alerter.EscalationSubject("r1"), alerter.Escalation{Schema: 1, ID: "E1", Room: "r1", Level: alerter.LevelStaff})
	e.publish(t, alerter.HeededSubject("r1"), alerter.Heeded{Schema: 1, Room: "r1"}) // not a webhook event

	// Restart once every delivery has failed at least once.
	waitDeliveries(t, s, w.ID, 3, func(d api.Delivery) bool { return d.Attempts >= 1 })
	first := s
	s.Close()
	s = e.start(t, e.opts())

	got := waitDeliveries(t, s, w.ID, 3, status(api.DeliveryDelivered))
	// An attempt the shutdown cut short counts (the receiver may have seen
	// it) even when it never reached the receiver: at most one more each.
	cut := int(first.stats.Interrupted.Load())
	for _, d := range got {
		if d.Attempts < 4 || d.Attempts > 4+cut || d.LastStatus != http.StatusNoContent || d.DeliveredAt.IsZero() {
			t.Errorf("delivery %+v: want 4 attempts (+%d cut by the restart) ending in 204", d, cut)
		}
	}
	hits, bad := rcv.Hits()
	if len(bad) > 0 {
		t.Errorf("signatures that did not verify: %q", bad)
	}
	per := rcv.Accepted()
	if len(per) != 3 {
		t.Errorf("receiver got %d distinct deliveries, want 3: %v", len(per), per)
	}
	for id, n := range per {
		if n != 1 {
			t.Errorf("delivery %s accepted %d times, want once", id, n)
		}
	}
	types := map[string]bool{}
	for _, h := range hits {
		types[h.Body["type"].(string)] = true
		if h.Body["type"] != h.Event {
			t.Errorf("body type %v, header %q", h.Body["type"], h.Event)
		}
		if h.Body["room"] != "r1" {
			t.Errorf("body lost the event's fields: %v", h.Body)
		}
	}
	for _, typ := range []string{api.EventAlert, api.EventReminder, api.EventEscalation} {
		if !types[typ] {
			t.Errorf("no %s delivered; got %v", typ, types)
		}
	}
}

func TestClientErrorNotRetried(t *testing.T) {
	e := newEnv(t)
	rcv := newReceiver(t, func(string, int) (int, http.Header) { return http.StatusGone, nil })
	s := e.start(t, e.opts())
	w := create(t, s, rcv.URL, api.EventAlert)
	e.publish(t, alerter.AlertSubject("claims", "r1"), alerter.Alert{Schema: 1, ID: "A1", Room: "r1"})
	got := waitDeliveries(t, s, w.ID, 1, status(api.DeliveryFailed))
	if d := got[0]; d.Attempts != 1 || d.LastStatus != http.StatusGone || !strings.Contains(d.LastError, "not retried") {
		t.Errorf("delivery %+v: want one attempt, 410, not retried", d)
	}
	// A later event still goes through the endpoint's queue: the failed
	// one was settled (Term), not left pending.
	e.publish(t, alerter.AlertSubject("claims", "r2"), alerter.Alert{Schema: 1, ID: "A2", Room: "r2"})
	waitDeliveries(t, s, w.ID, 2, status(api.DeliveryFailed))
	if hits, _ := rcv.Hits(); len(hits) != 2 {
		t.Errorf("receiver got %d requests, want 2 (one per event, no retry)", len(hits))
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	e := newEnv(t)
	rcv := newReceiver(t, func(_ string, n int) (int, http.Header) {
		if n == 1 {
			return http.StatusTooManyRequests, http.Header{"Retry-After": {"1"}}
		}
		return http.StatusOK, nil
	})
	s := e.start(t, e.opts()) // backoff 20-100 ms: only Retry-After waits a second
	w := create(t, s, rcv.URL, api.EventAlert)
	e.publish(t, alerter.AlertSubject("claims", "r1"), alerter.Alert{Schema: 1, ID: "A1", Room: "r1"})
	got := waitDeliveries(t, s, w.ID, 1, status(api.DeliveryDelivered))
	hits, _ := rcv.Hits()
	if len(hits) != 2 || got[0].Attempts != 2 {
		t.Fatalf("hits %d, attempts %d: want 2", len(hits), got[0].Attempts)
	}
	if gap := hits[1].At.Sub(hits[0].At); gap < time.Second {
		t.Errorf("second attempt %v after the 429 with Retry-After: 1", gap)
	}
}

// A receiver that never answers holds up neither another endpoint nor
// the other events.
func TestDeadReceiverIsolated(t *testing.T) {
	e := newEnv(t)
	dead := newReceiver(t, func(string, int) (int, http.Header) { return webhooktest.Hang, nil })
	live := newReceiver(t, ok)
	o := e.opts()
	o.Timeout = time.Minute // the dead one holds every slot for the whole test
	s := e.start(t, o)
	dw := create(t, s, dead.URL, api.EventAlert)
	lw := create(t, s, live.URL, api.EventAlert)
	const n = 10
	for i := range n {
		e.publish(t, alerter.AlertSubject("claims", "r1"), alerter.Alert{Schema: 1, ID: string(rune('A' + i)), Room: "r1"})
	}
	waitDeliveries(t, s, lw.ID, n, status(api.DeliveryDelivered))
	hits, _ := dead.Hits()
	if len(hits) == 0 || len(hits) > o.Concurrency+4 {
		t.Errorf("dead receiver got %d requests, want 1 to %d (its slots)", len(hits), o.Concurrency+4)
	}
	ds, _ := s.Deliveries(context.Background(), dw.ID, 100)
	for _, d := range ds {
		if d.Status == api.DeliveryDelivered {
			t.Errorf("dead receiver's delivery %+v delivered", d)
		}
	}
}

func TestRedeliver(t *testing.T) {
	e := newEnv(t)
	rcv := newReceiver(t, ok)
	s := e.start(t, e.opts())
	w := create(t, s, rcv.URL, api.EventDisposition)
	e.publish(t, "earshot.disposition.claims.r1", map[string]any{"schema": 1, "alert_id": "A1", "decision": "confirmed"})
	got := waitDeliveries(t, s, w.ID, 1, status(api.DeliveryDelivered))
	d, err := s.Redeliver(context.Background(), w.ID, got[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Redeliveries != 1 || d.Status != api.DeliveryPending {
		t.Errorf("after redeliver: %+v", d)
	}
	testutil.WaitFor(t, 20*time.Second, "the redelivery", func() bool { return rcv.Accepted()[got[0].ID] == 2 })
	after := waitDeliveries(t, s, w.ID, 1, status(api.DeliveryDelivered))
	if after[0].Redeliveries != 1 || after[0].Attempts != 1 {
		t.Errorf("after the redelivery: %+v", after[0])
	}
	if _, err := s.Redeliver(context.Background(), w.ID, "dlv_nosuch"); !errors.Is(err, ErrUnknownDelivery) {
		t.Errorf("redeliver of an unknown id: %v", err)
	}
	// The event dropped by its stream's retention: gone for good, not a
	// store that may answer later.
	st, err := e.js.Stream(context.Background(), alerter.EventStream)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Purge(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Redeliver(context.Background(), w.ID, got[0].ID); !errors.Is(err, ErrEventGone) {
		t.Errorf("redeliver of a purged event: %v, want ErrEventGone", err)
	}
}

func TestCreateRefuses(t *testing.T) {
	e := newEnv(t)
	o := e.opts()
	o.Configured = []Endpoint{{URL: "http://127.0.0.1:9/cfg", Secret: testSecret, Events: []string{api.EventAlert}}}
	s := e.start(t, o)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		req  api.WebhookRequest
		want error
		msg  string
	}{
		{"no url", api.WebhookRequest{Secret: testSecret, Events: []string{"alert"}}, ErrInvalid, "url"},
		{"ftp", api.WebhookRequest{URL: "ftp://127.0.0.1/x", Secret: testSecret, Events: []string{"alert"}}, ErrInvalid, "http"},
		{"credentials", api.WebhookRequest{URL: "http://u:p@127.0.0.1/x", Secret: testSecret, Events: []string{"alert"}}, ErrInvalid, "credentials"},
		{"long secret", api.WebhookRequest{URL: "http://127.0.0.1/x", Secret: strings.Repeat("s", 257), Events: []string{"alert"}}, ErrInvalid, "secret"},
		{"no events", api.WebhookRequest{URL: "http://127.0.0.1/x", Secret: testSecret}, ErrInvalid, "events"},
		{"unknown events", api.WebhookRequest{URL: "http://127.0.0.1/x", Secret: testSecret, Events: []string{"alert", "bogus", "nope"}}, ErrInvalid, `"bogus", "nope"`},
		{"twice", api.WebhookRequest{URL: "http://127.0.0.1/x", Secret: testSecret, Events: []string{"alert", "alert"}}, ErrInvalid, "twice"},
		{"loopback not allowed", api.WebhookRequest{URL: "http://127.0.0.2/x", Secret: testSecret, Events: []string{"alert"}}, ErrURLRefused, "loopback"},
		{"metadata", api.WebhookRequest{URL: "http://169.254.169.254/latest", Secret: testSecret, Events: []string{"alert"}}, ErrURLRefused, "metadata"},
		{"localhost name", api.WebhookRequest{URL: "http://localhost:8080/x", Secret: testSecret, Events: []string{"alert"}}, ErrURLRefused, "loopback"},
		{"port too big", api.WebhookRequest{URL: "http://127.0.0.1:99999/x", Secret: testSecret, Events: []string{"alert"}}, ErrInvalid, "port 99999"},
		{"port zero", api.WebhookRequest{URL: "http://127.0.0.1:0/x", Secret: testSecret, Events: []string{"alert"}}, ErrInvalid, "port 0"},
		{"blank secret", api.WebhookRequest{URL: "http://127.0.0.1/x", Secret: " \t ", Events: []string{"alert"}}, ErrInvalid, "white space"},
	} {
		_, err := s.Create(ctx, c.req)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want %v naming %q", c.name, err, c.want, c.msg)
		}
	}
	w, err := s.Create(ctx, api.WebhookRequest{URL: "http://127.0.0.1:9/gen", Events: []string{"appeal"}})
	if err != nil || !strings.HasPrefix(w.Secret, "whsec_") {
		t.Fatalf("generated secret: %+v, %v", w, err)
	}
	if w.Warning != "" {
		t.Errorf("a generated secret is warned about: %s", w.Warning)
	}
	// A short secret is the receiver's choice: taken, with a warning.
	weak, err := s.Create(ctx, api.WebhookRequest{URL: "http://127.0.0.1:9/weak", Secret: "s3cret", Events: []string{"alert"}})
	if err != nil || !strings.Contains(weak.Warning, "6 bytes") || weak.Secret != "" {
		t.Fatalf("short secret: %+v, %v", weak, err)
	}
	if err := s.Delete(ctx, weak.ID); err != nil {
		t.Fatal(err)
	}
	list, _ := s.List(ctx)
	if len(list) != 2 {
		t.Fatalf("list: %+v", list)
	}
	for _, l := range list {
		if l.Secret != "" {
			t.Errorf("list shows a secret: %+v", l)
		}
		if l.Source == api.WebhookFromConfig {
			if err := s.Delete(ctx, l.ID); !errors.Is(err, ErrConfigured) {
				t.Errorf("deleting a configured endpoint: %v", err)
			}
		}
	}
	if err := s.Delete(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, w.ID); !errors.Is(err, ErrUnknownEndpoint) {
		t.Errorf("second delete: %v", err)
	}
}

// rebinder answers a public address for the first lookup and loopback for
// every later one: DNS rebinding.
type rebinder struct {
	mu    sync.Mutex
	calls int
}

func (r *rebinder) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.calls == 1 {
		return []netip.Addr{netip.MustParseAddr("93.184.216.34")}, nil
	}
	return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
}

// A name that passed the check when it was added but resolves to
// loopback when it is dialed is refused at the socket: the delivery fails
// at once, naming the policy, and the receiver never hears of it.
func TestRebindingRefusedAtDial(t *testing.T) {
	e := newEnv(t)
	rcv := newReceiver(t, ok)
	guard, err := netguard.New(netguard.Options{Resolver: &rebinder{}, Setting: "ingest.allow_hosts"})
	if err != nil {
		t.Fatal(err)
	}
	o := e.opts()
	o.Guard = guard
	s := e.start(t, o)
	_, port, _ := net.SplitHostPort(rcv.Listener.Addr().String())
	w := create(t, s, "http://hooks.example.com:"+port+"/x", api.EventAlert)
	e.publish(t, alerter.AlertSubject("claims", "r1"), alerter.Alert{Schema: 1, ID: "A1", Room: "r1"})
	got := waitDeliveries(t, s, w.ID, 1, status(api.DeliveryFailed))
	if d := got[0]; d.Attempts != 1 || !strings.Contains(d.LastError, "outbound address policy") {
		t.Errorf("delivery %+v: want one attempt refused by the policy", d)
	}
	if hits, _ := rcv.Hits(); len(hits) != 0 {
		t.Errorf("the receiver got %d requests", len(hits))
	}
}

// TestEndpointLimit: config and API endpoints together are bounded by
// MaxEndpoints; one more is refused with ErrLimit, and a deleted one
// makes room again.
func TestEndpointLimit(t *testing.T) {
	e := newEnv(t)
	o := e.opts()
	o.MaxEndpoints = 2
	o.Configured = []Endpoint{{URL: "http://127.0.0.1:9/cfg", Secret: testSecret, Events: []string{api.EventAlert}}}
	s := e.start(t, o)
	ctx := context.Background()
	w := create(t, s, "http://127.0.0.1:9/one", api.EventAlert)
	if _, err := s.Create(ctx, api.WebhookRequest{URL: "http://127.0.0.1:9/two", Secret: testSecret, Events: []string{"alert"}}); !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "2 of webhook_delivery.max_endpoints 2") {
		t.Fatalf("one endpoint over the limit: %v, want ErrLimit naming the count", err)
	}
	if err := s.Delete(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	create(t, s, "http://127.0.0.1:9/two", api.EventAlert)
}
