package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testutil"
)

// TestAppealRoundTrip: only the anchor of the alert's room appeals, only a
// confirmed alert, once; staff overturn it, which dismisses the alert, and
// the room's overlay feed and earshot.appeal.<room> carry both steps.
func TestAppealRoundTrip(t *testing.T) {
	e := newReviewEnv(t, withCases(t))
	ctx := context.Background()
	e.say(t, "room-a", "This cream cures diabetes.")
	id := e.newest(t, "room-a")
	anchorTok := e.token(t, api.RoleAnchor, "room-a")
	anchor := apiClient(t, e.url, api.WithToken(anchorTok))
	other := apiClient(t, e.url, api.WithToken(e.token(t, api.RoleAnchor, "room-b")))
	sub, err := e.nc.SubscribeSync(alerter.AppealSubject("room-a"))
	if err != nil {
		t.Fatal(err)
	}
	feed := openFeed(t, e.url+"/v1/events/rooms/room-a/reminders", anchorTok)

	_, err = anchor.Appeal(ctx, id, "I said it cures nothing")
	codeOf(t, err, api.CodeNotConfirmed) // not reviewed yet
	if _, err := e.staff.Dispose(ctx, id, api.DispositionRequest{Decision: api.NeedsReview}); err != nil {
		t.Fatal(err)
	}
	_, err = anchor.Appeal(ctx, id, "I said it cures nothing")
	codeOf(t, err, api.CodeNotConfirmed) // needs review is not confirmed
	if _, err := e.staff.Dispose(ctx, id, api.DispositionRequest{Decision: api.Confirmed}); err != nil {
		t.Fatal(err)
	}
	_, err = other.Appeal(ctx, id, "not mine but still")
	codeOf(t, err, api.CodeForbidden)
	_, err = e.staff.Appeal(ctx, id, "staff cannot appeal")
	codeOf(t, err, api.CodeForbidden)
	for _, tc := range []struct {
		path, body string
		code       api.Code
	}{
		{"/v1/alerts/" + id + "/appeal", `{"reason":"  "}`, api.CodeBadAppeal},
		{"/v1/alerts/" + id + "/appeal", `{"why":"x"}`, api.CodeBadAppeal},
		{"/v1/alerts/bad.id/appeal", `{"reason":"x"}`, api.CodeBadAlertID},
		{"/v1/alerts/01KNOSUCHALERT000000000000/appeal", `{"reason":"x"}`, api.CodeUnknownAlert},
	} {
		var env api.ErrorResponse
		testutil.DoJSON(t, http.MethodPost, e.url+tc.path, anchorTok, tc.body, &env)
		if env.Error.Code != tc.code {
			t.Errorf("POST %s %s: %s, want %s (%s)", tc.path, tc.body, env.Error.Code, tc.code, env.Error.Message)
		}
	}

	ap, err := anchor.Appeal(ctx, id, "I said it cures nothing")
	if err != nil || ap.State != alerter.AppealPending || ap.AlertID != id || ap.Room != "room-a" {
		t.Fatalf("appeal: %v %+v", err, ap)
	}
	_, err = anchor.Appeal(ctx, id, "again")
	codeOf(t, err, api.CodeAlreadyAppealed)
	if status := api.CodeAlreadyAppealed.Status(); status != http.StatusConflict {
		t.Fatalf("already_appealed is %d", status)
	}
	nextAppeal(t, feed, alerter.AppealPending)
	natsAppeal(t, sub, alerter.AppealPending)

	pending, err := e.staff.Appeals(ctx, alerter.AppealPending)
	if err != nil || len(pending) != 1 || pending[0].Reason != "I said it cures nothing" {
		t.Fatalf("pending appeals: %v %+v", err, pending)
	}
	_, err = e.staff.DecideAppeal(ctx, id, api.AppealDecisionRequest{Outcome: "maybe"})
	codeOf(t, err, api.CodeBadAppeal)
	_, err = e.staff.DecideAppeal(ctx, "01KNOSUCHALERT000000000000", api.AppealDecisionRequest{Outcome: "upheld"})
	codeOf(t, err, api.CodeUnknownAppeal)
	_, err = anchor.DecideAppeal(ctx, id, api.AppealDecisionRequest{Outcome: "overturned"})
	codeOf(t, err, api.CodeForbidden)

	got, err := e.staff.DecideAppeal(ctx, id, api.AppealDecisionRequest{Outcome: alerter.AppealOverturned, Note: "it was a quote"})
	if err != nil || got.State != alerter.AppealOverturned || got.DecidedBy != "li" {
		t.Fatalf("decide: %v %+v", err, got)
	}
	if a, err := e.staff.Alert(ctx, id); err != nil || a.Disposition == nil || a.Disposition.Decision != api.Dismissed {
		t.Fatalf("alert after the appeal was overturned: %v %+v", err, a.Disposition)
	}
	_, err = e.staff.DecideAppeal(ctx, id, api.AppealDecisionRequest{Outcome: alerter.AppealUpheld})
	codeOf(t, err, api.CodeAppealDecided)
	// The alert's case notes the outcome, and its hit shows the appeal.
	c := e.waitCase(t, "room-a", 1)
	v, err := e.staff.CaseOf(ctx, id)
	if err != nil || v.ID != c.ID {
		t.Fatalf("GET /v1/alerts/%s/case: %v %s, want case %s", id, err, v.ID, c.ID)
	}
	if err != nil || len(v.Notes) != 1 || !strings.Contains(v.Notes[0].Text, "overturned: it was a quote") ||
		v.Hits[0].Appeal == nil || v.Hits[0].Appeal.State != alerter.AppealOverturned {
		t.Fatalf("case after the appeal: %v %+v", err, v)
	}
	if ev := nextAppeal(t, feed, alerter.AppealOverturned); ev.Note != "it was a quote" {
		t.Fatalf("overlay event %+v", ev)
	}
	natsAppeal(t, sub, alerter.AppealOverturned)
}

func nextAppeal(t *testing.T, feed <-chan sseEvent, state string) api.Appeal {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev := <-feed:
			if ev.name != api.EventAppeal {
				continue
			}
			var ap api.Appeal
			if err := json.Unmarshal([]byte(ev.data), &ap); err != nil || ap.State != state {
				t.Fatalf("appeal event %s, want state %s (%v)", ev.data, state, err)
			}
			return ap
		case <-deadline:
			t.Fatalf("no %s appeal event on the overlay feed", state)
		}
	}
}

func natsAppeal(t *testing.T, sub *nats.Subscription, state string) {
	t.Helper()
	m, err := sub.NextMsg(10 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var ap alerter.Appeal
	if err := json.Unmarshal(m.Data, &ap); err != nil || ap.State != state {
		t.Fatalf("earshot.appeal message %s, want state %s", m.Data, state)
	}
}
