package server

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/authtest"
	"github.com/earshot/earshot/internal/testutil"
)

func TestDispositionRoundTrip(t *testing.T) {
	e := newReviewEnv(t)
	ctx := context.Background()
	e.say(t, "room-a", "This cream cures diabetes.")
	idA := e.newest(t, "room-a")
	e.say(t, "room-a", "It is the best cream in the world.")
	idB := e.newest(t, "room-a")

	if got, err := e.staff.Alert(ctx, idA); err != nil || got.ID != idA || got.Disposition != nil {
		t.Fatalf("GET before review: %v %+v", err, got)
	}
	// The reviewer is the token's subject: "by" may be left out, or repeat it.
	for _, req := range []api.DispositionRequest{{Decision: api.NeedsReview, By: "li", Note: "n"}, {Decision: api.Confirmed, Note: "n"}} {
		if got, err := e.staff.Dispose(ctx, idA, req); err != nil || got.Decision != req.Decision || got.AlertID != idA || got.By != "li" {
			t.Fatalf("POST %s: %v %+v", req.Decision, err, got)
		}
	}
	wang := apiClient(t, e.url, api.WithToken(authtest.Mint(t, e.signer, auth.Request{Role: api.RoleCompliance, Subject: "wang"})))
	if got, err := wang.Dispose(ctx, idB, api.DispositionRequest{Decision: api.Dismissed}); err != nil || got.By != "wang" {
		t.Fatalf("POST dismissed: %v %+v", err, got)
	}
	got, err := e.staff.Alert(ctx, idA)
	if err != nil || got.Disposition == nil || got.Disposition.Decision != api.Confirmed || got.Disposition.By != "li" || len(got.History) != 2 {
		t.Fatalf("GET after review: %v %+v", err, got)
	}
	for filter, want := range map[string][]string{
		"confirmed": {idA}, "dismissed": {idB}, "needs_review": {}, "any": {idA, idB}, "none": {}, "": {idA, idB},
	} {
		list, err := e.staff.Alerts(ctx, api.AlertQuery{Disposition: filter})
		if err != nil {
			t.Fatalf("list %q: %v", filter, err)
		}
		var ids []string
		for _, x := range list {
			ids = append(ids, x.ID)
			if x.Disposition == nil && (x.ID == idA || x.ID == idB) {
				t.Errorf("list %q: alert %s without its disposition", filter, x.ID)
			}
		}
		if strings.Join(ids, ",") != strings.Join(want, ",") {
			t.Errorf("list %q = %v, want %v", filter, ids, want)
		}
	}
}

func TestDispositionRefusesBadRequests(t *testing.T) {
	e := newReviewEnv(t)
	e.say(t, "room-a", "This cream cures diabetes.")
	id := e.newest(t, "room-a")
	room := e.token(t, "anchor", "room-a")
	ok := `{"decision":"confirmed","by":"li"}`
	cases := []struct {
		name, method, path, tok, body string
		want                          int
		code                          string
	}{
		{"no token", "POST", "/v1/alerts/" + id + "/disposition", "", ok, 401, "unauthorized"},
		{"room token", "POST", "/v1/alerts/" + id + "/disposition", room, ok, 403, "forbidden"},
		{"get no token", "GET", "/v1/alerts/" + id, "", "", 401, "unauthorized"},
		{"bad decision", "POST", "/v1/alerts/" + id + "/disposition", e.compliance, `{"decision":"ok","by":"li"}`, 400, "bad_disposition"},
		{"by someone else", "POST", "/v1/alerts/" + id + "/disposition", e.compliance, `{"decision":"confirmed","by":"wang"}`, 400, "bad_disposition"},
		{"not json", "POST", "/v1/alerts/" + id + "/disposition", e.compliance, `confirmed`, 400, "bad_disposition"},
		{"empty", "POST", "/v1/alerts/" + id + "/disposition", e.compliance, ``, 400, "bad_disposition"},
		{"too big", "POST", "/v1/alerts/" + id + "/disposition", e.compliance, strings.Repeat(" ", 70<<10), 413, "too_large"},
		{"unknown alert", "POST", "/v1/alerts/" + alerter.NewID(time.Now()) + "/disposition", e.compliance, ok, 404, "unknown_alert"},
		{"get unknown alert", "GET", "/v1/alerts/NOPE", e.compliance, "", 404, "unknown_alert"},
		{"bad id", "GET", "/v1/alerts/a.b", e.compliance, "", 400, "bad_alert_id"},
		{"bad filter", "GET", "/v1/alerts?disposition=maybe", e.compliance, "", 400, "bad_query"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body api.ErrorResponse
			code := testutil.DoJSON(t, c.method, e.url+c.path, c.tok, c.body, &body)
			if code != c.want || string(body.Error.Code) != c.code {
				t.Fatalf("%d %+v, want %d %s", code, body.Error, c.want, c.code)
			}
		})
	}
}

func TestPages(t *testing.T) {
	e := newReviewEnv(t)
	cases := []struct {
		path      string
		want      int
		ctype, in string
	}{
		{"/", 200, "text/html", "compliance console"},
		{"/overlay/room-a", 200, "text/html", "overlay.js"},
		{"/static/console.js", 200, "javascript", "hashchange"},
		{"/static/overlay.css", 200, "text/css", "transparent"},
		{"/overlay/room.a", 400, "application/json", "bad_room"},
		{"/static/nope.js", 404, "", ""},
	}
	for _, c := range cases {
		resp := testutil.Send(t, "GET", e.url+c.path, "", nil, nil)
		buf, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.want || !strings.Contains(resp.Header.Get("Content-Type"), c.ctype) || !strings.Contains(string(buf), c.in) {
			t.Errorf("GET %s: %d %s, want %d %s containing %q", c.path, resp.StatusCode, resp.Header.Get("Content-Type"), c.want, c.ctype, c.in)
		}
		if c.want == 200 && (resp.Header.Get("Content-Security-Policy") == "" || resp.Header.Get("Referrer-Policy") != "no-referrer") {
			t.Errorf("GET %s: missing CSP or Referrer-Policy", c.path)
		}
	}
}
