package server

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/escalation"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testutil"
)

// TestEscalationsListedAndFed: escalations the scan role's stage publishes
// reach the console's feed, the room's overlay feed (not another room's)
// and GET /v1/escalations with its filters.
func TestEscalationsListedAndFed(t *testing.T) {
	e := newReviewEnv(t)
	console := openFeed(t, e.url+"/v1/events/alerts?category=medical-claim", e.compliance)
	overlayA := openFeed(t, e.url+"/v1/events/rooms/room-a/reminders", e.token(t, "anchor", "room-a"))
	overlayB := openFeed(t, e.url+"/v1/events/rooms/room-b/reminders", e.token(t, "anchor", "room-b"))
	ctx := testutil.Context(t, 20*time.Second)
	tr, err := escalation.Open(ctx, e.nc, escalation.Options{Logger: testutil.Quiet(),
		Policy: func(alerter.Alert) escalation.Policy {
			return escalation.Policy{Window: time.Minute, Staff: 1, StopSuggested: 2}
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tr.Close)
	now := time.Now()
	for i, id := range []string{"01A", "01B"} {
		tr.Observe(ctx, alerter.Alert{ID: id, Room: "room-a", RuleID: "med-1", Category: "medical-claim", Severity: "high",
			Reminder: "no medical claims"}, true, now.Add(time.Duration(i)*time.Second))
	}
	for _, lv := range api.Levels() {
		for name, feed := range map[string]<-chan sseEvent{"console": console, "overlay": overlayA} {
			ev := next(t, feed)
			for ev.name == api.EventReminder || ev.name == api.EventAlert {
				ev = next(t, feed)
			}
			var got api.Escalation
			if err := json.Unmarshal([]byte(ev.data), &got); err != nil || ev.name != api.EventEscalation || got.Level != lv || ev.id != got.ID {
				t.Fatalf("%s feed: event %+v, want the %s escalation", name, ev, lv)
			}
		}
	}
	select {
	case ev := <-overlayB:
		t.Fatalf("room-b's overlay got %+v", ev)
	case <-time.After(200 * time.Millisecond):
	}

	for _, tc := range []struct {
		q    api.EscalationQuery
		want int
	}{
		{api.EscalationQuery{}, 2},
		{api.EscalationQuery{Room: "room-a"}, 2},
		{api.EscalationQuery{Room: "room-b"}, 0},
		{api.EscalationQuery{Level: api.LevelStopSuggested}, 1},
		{api.EscalationQuery{Category: "price-fraud"}, 0},
		{api.EscalationQuery{Limit: 1}, 1},
		{api.EscalationQuery{Since: now.Add(time.Hour)}, 0},
		{api.EscalationQuery{Since: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}, 0}, // past int64 nanoseconds
		{api.EscalationQuery{Since: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}, 0},
	} {
		got, err := e.staff.Escalations(context.Background(), tc.q)
		if err != nil || len(got) != tc.want {
			t.Errorf("%+v: %d escalations (%v), want %d", tc.q, len(got), err, tc.want)
		}
		if tc.q.Limit == 1 && len(got) == 1 && got[0].Level != api.LevelStopSuggested {
			t.Errorf("limit 1 kept %s, want the newest (stop_suggested)", got[0].Level)
		}
	}
	all, _ := e.staff.Escalations(context.Background(), api.EscalationQuery{})
	if len(all) == 2 && (all[1].Count != 2 || len(all[1].AlertIDs) != 2 || all[1].AlertIDs[1] != "01B" || all[0].Text != "no medical claims") {
		t.Errorf("listed %+v", all)
	}
	for _, q := range []string{"?level=urgent", "?room=a.b", "?category=x.y", "?since=yesterday", "?limit=0", "?limit=1001"} {
		var body api.ErrorResponse
		if code := testutil.DoJSON(t, http.MethodGet, e.url+"/v1/escalations"+q, e.compliance, "", &body); code != http.StatusBadRequest ||
			body.Error.Code != api.CodeBadQuery || body.Error.Message == "" {
			t.Errorf("%s: %d %+v, want 400 bad_query", q, code, body)
		}
	}
	if code, _ := testutil.Do(t, http.MethodGet, e.url+"/v1/escalations", e.token(t, "anchor", "room-a"), ""); code != http.StatusForbidden {
		t.Errorf("an anchor listed escalations: %d", code)
	}
}

// noEscalations is an empty escalation log: the route table only needs
// the feature on.
type noEscalations struct{}

func (noEscalations) Escalations(context.Context, escalation.Query) ([]alerter.Escalation, error) {
	return nil, nil
}

// FuzzEscalationQuery: any query string is answered by an error or a
// query within the route's bounds, never a panic.
func FuzzEscalationQuery(f *testing.F) {
	for _, q := range []string{"", "room=r1&level=staff", "level=stop_suggested&limit=1000", "since=2025-05-01T20:00:00Z",
		"limit=0", "room=a.b", "category=medical-claim&limit=-1", "level=%00", "since=9999-99-99"} {
		f.Add(q)
	}
	now := time.Date(2025, 5, 1, 20, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		r, err := http.NewRequest(http.MethodGet, "/v1/escalations", nil)
		if err != nil {
			return
		}
		r.URL.RawQuery = raw
		q, err := parseEscalationQuery(r, now)
		if err != nil {
			return
		}
		if q.Limit < 1 || q.Limit > api.MaxEscalationLimit || q.Since.IsZero() ||
			(q.Room != "" && alerter.ValidRoomID(q.Room) != nil) || (q.Level != "" && q.Level != api.LevelStaff && q.Level != api.LevelStopSuggested) {
			t.Fatalf("accepted %q as %+v", raw, q)
		}
	})
}
