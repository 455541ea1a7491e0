package webhook

import (
	"net/http"
	"testing"
	"time"

	"github.com/earshot/earshot/config"
)

// The defaults try at least 10 times over at least 30 minutes (40, as
// the docs say), whatever the jitter draws.
func TestDefaultScheduleSpan(t *testing.T) {
	d := config.Default().WebhookDelivery
	var o Options
	o.defaults()
	if o.Attempts != d.Attempts || o.Backoff.Min != time.Duration(d.BackoffMin) || o.Backoff.Max != time.Duration(d.BackoffMax) || o.Timeout != time.Duration(d.Timeout) {
		t.Errorf("package defaults %+v differ from config.Default %+v", o, d)
	}
	if o.Attempts < 10 {
		t.Errorf("%d attempts, want at least 10", o.Attempts)
	}
	if span := o.Backoff.MinSpan(o.Attempts); span < 40*time.Minute {
		t.Errorf("the shortest schedule spans %v, want at least 40 minutes", span)
	}
	if o.Timeout != 5*time.Second {
		t.Errorf("timeout %v, want 5s", o.Timeout)
	}
}

func TestBackoffDelay(t *testing.T) {
	b := Backoff{Min: 10 * time.Second, Max: 15 * time.Minute}
	for attempt, ceil := range map[int]time.Duration{1: 10 * time.Second, 2: 20 * time.Second, 4: 80 * time.Second, 8: 15 * time.Minute, 30: 15 * time.Minute} {
		seen := map[time.Duration]bool{}
		for range 50 {
			d := b.Delay(attempt)
			if d < ceil/2 || d > ceil {
				t.Fatalf("attempt %d: delay %v outside [%v, %v]", attempt, d, ceil/2, ceil)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Errorf("attempt %d: no jitter in 50 draws", attempt)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		h    string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"3", 3 * time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"0", 0, true},
		{"-1", 0, false},
		{"999999999999", time.Hour, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"soon", 0, false},
	} {
		got, ok := retryAfter(c.h, now)
		if got != c.want || ok != c.ok {
			t.Errorf("Retry-After %q: %v %v, want %v %v", c.h, got, ok, c.want, c.ok)
		}
	}
}

func TestEventType(t *testing.T) {
	for subject, want := range map[string]string{
		"earshot.alert.claims.r1":          "alert",
		"earshot.room.r1.reminder":         "reminder",
		"earshot.escalation.r1":            "escalation",
		"earshot.disposition.claims.r1":    "disposition",
		"earshot.appeal.r1":                "appeal",
		"earshot.heeded.r1":                "",
		"earshot.report.r1":                "",
		"earshot.room.r1.status":           "",
		"earshot.alert":                    "",
		"earshot.alert.too.many.tokens.r1": "",
	} {
		if got := eventType(subject); got != want {
			t.Errorf("eventType(%q) = %q, want %q", subject, got, want)
		}
	}
}

func TestWithType(t *testing.T) {
	for in, want := range map[string]string{
		`{"id":"A1"}`:     `{"type":"alert","id":"A1"}`,
		` { "id": 1 } `:   `{"type":"alert","id": 1 }`,
		`{}`:              `{"type":"alert"}`,
		`[1]`:             ``,
		`"x"`:             ``,
		``:                ``,
		`{"id":"A1"} xyz`: ``,
	} {
		got, ok := withType([]byte(in), "alert")
		if string(got) != want || ok != (want != "") {
			t.Errorf("withType(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
}

func TestDeliveryID(t *testing.T) {
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	a := deliveryID("wh_1", "EARSHOT_ALERTS", 7, at)
	if a != deliveryID("wh_1", "EARSHOT_ALERTS", 7, at) {
		t.Error("not deterministic: a redelivered event would get a second id")
	}
	for _, other := range []string{deliveryID("wh_2", "EARSHOT_ALERTS", 7, at), deliveryID("wh_1", "EARSHOT_EVENTS", 7, at),
		deliveryID("wh_1", "EARSHOT_ALERTS", 8, at), deliveryID("wh_1", "EARSHOT_ALERTS", 7, at.Add(time.Nanosecond))} {
		if other == a {
			t.Errorf("two deliveries share the id %s", a)
		}
	}
	if later := deliveryID("wh_1", "EARSHOT_ALERTS", 1, at.Add(time.Millisecond)); later <= a {
		t.Errorf("ids do not sort by time: %s then %s", a, later)
	}
	if !validID(a) || len(a) != 36 {
		t.Errorf("id %q: want dlv_ and 32 lower-case hex digits", a)
	}
}
