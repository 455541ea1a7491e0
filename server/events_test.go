package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/authtest"
	"github.com/earshot/earshot/internal/testutil"
)

func TestAlertFeedFiltersAndDispositions(t *testing.T) {
	e := newReviewEnv(t)
	feed := openFeed(t, e.url+"/v1/events/alerts?category=medical-claim", e.compliance)
	e.say(t, "room-a", "It is the best cream in the world.") // absolute-claim: filtered out
	raised := e.say(t, "room-b", "This cream cures diabetes.")
	if len(raised) == 0 {
		t.Fatal("the default lexicon raised no alert for a cure claim")
	}
	ev := next(t, feed)
	var a api.Alert
	if err := json.Unmarshal([]byte(ev.data), &a); err != nil || ev.name != api.EventAlert || a.Category != "medical-claim" || ev.id != a.ID {
		t.Fatalf("event %+v (%v), want the medical-claim alert", ev, err)
	}
	req := api.DispositionRequest{Decision: api.Confirmed, By: "li", Note: "clear claim"}
	if _, err := e.staff.Dispose(context.Background(), a.ID, req); err != nil {
		t.Fatalf("disposition: %v", err)
	}
	ev = next(t, feed)
	var d api.Disposition
	if err := json.Unmarshal([]byte(ev.data), &d); err != nil || ev.name != api.EventDisposition || ev.id != a.ID || d.Decision != api.Confirmed {
		t.Fatalf("event %+v, want the disposition of %s", ev, a.ID)
	}
}

func TestReminderFeedIsOneRoom(t *testing.T) {
	e := newReviewEnv(t)
	tok := e.token(t, "anchor", "room-a")
	feed := openFeed(t, e.url+"/v1/events/rooms/room-a/reminders", tok)
	e.say(t, "room-b", "This cream cures diabetes.")
	e.say(t, "room-a", "This is the lowest price ever.")
	ev := next(t, feed)
	var r api.Reminder
	if err := json.Unmarshal([]byte(ev.data), &r); err != nil || ev.name != api.EventReminder || r.Room != "room-a" || r.Category == "medical-claim" {
		t.Fatalf("event %+v, want room-a's reminder, not room-b's", ev)
	}
}

func TestFeedsRefuseBadRequests(t *testing.T) {
	e := newReviewEnv(t)
	roomA := e.token(t, "anchor", "room-a")
	forged := authtest.Token(t, authtest.Signer(t), "compliance", "")
	expired := authtest.Expired(t, e.signer, "compliance", "")
	cases := []struct {
		name, path, tok string
		want            int
		code            string
	}{
		{"no token", "/v1/events/alerts", "", 401, "unauthorized"},
		{"forged token", "/v1/events/alerts", forged, 401, "unauthorized"},
		{"expired token", "/v1/events/alerts", expired, 401, "unauthorized"},
		{"garbage token", "/v1/events/alerts", "%00%ff.", 401, "unauthorized"},
		{"token in the query", "/v1/events/alerts?token=" + e.compliance, "", 401, "unauthorized"},
		{"room token on alerts", "/v1/events/alerts", roomA, 403, "forbidden"},
		{"room token on other room", "/v1/events/rooms/room-b/reminders", roomA, 403, "forbidden"},
		{"no token on reminders", "/v1/events/rooms/room-a/reminders", "", 401, "unauthorized"},
		{"bad category", "/v1/events/alerts?category=a.b", e.compliance, 400, "bad_query"},
		{"bad severity", "/v1/events/alerts?severity=urgent", e.compliance, 400, "bad_query"},
		{"bad room filter", "/v1/events/alerts?room=*", e.compliance, 400, "bad_query"},
		{"bad room path", "/v1/events/rooms/" + strings.Repeat("x", 65) + "/reminders", e.compliance, 400, "bad_room"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body api.ErrorResponse
			status := testutil.DoJSON(t, "GET", e.url+c.path, c.tok, "", &body)
			if status != c.want || string(body.Error.Code) != c.code || body.Error.Message == "" {
				t.Fatalf("%s: %d %+v, want %d %s", c.path, status, body.Error, c.want, c.code)
			}
		})
	}
}

// TestFeedsEndWithoutLeaks: feeds end when their clients leave and when the
// server shuts down, and leave no goroutine behind.
func TestFeedsEndWithoutLeaks(t *testing.T) {
	e := newReviewEnv(t)
	settled := testutil.LeakCheck(t, 2)
	for range 5 {
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.url+"/v1/events/alerts", nil)
		req.Header.Set("Authorization", "Bearer "+e.compliance)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 64)
		_, _ = resp.Body.Read(buf)
		cancel()
		resp.Body.Close()
	}
	http.DefaultClient.CloseIdleConnections()
	settled()

	// One feed left open must not hold Shutdown up.
	feed := openFeed(t, e.url+"/v1/events/alerts", e.compliance)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.http.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown with an open feed: %v", err)
	}
	for range feed { // drains until the server ended the feed
	}
}
