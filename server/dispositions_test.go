package server

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/auth"
)

type alertJSON struct {
	ID          string `json:"id"`
	Disposition *struct {
		Decision, By, Note string
	} `json:"disposition"`
	History []struct{ Decision string } `json:"history"`
}

func TestDispositionRoundTrip(t *testing.T) {
	e := newReviewEnv(t)
	e.say(t, "room-a", "This cream cures diabetes.")
	idA := e.newest(t, "room-a")
	e.say(t, "room-a", "It is the best cream in the world.")
	idB := e.newest(t, "room-a")

	var got alertJSON
	if code := e.do(t, "GET", "/v1/alerts/"+idA, e.compliance, "", &got); code != 200 || got.ID != idA || got.Disposition != nil {
		t.Fatalf("GET before review: %d %+v", code, got)
	}
	for _, d := range []string{"needs_review", "confirmed"} {
		if code := e.do(t, "POST", "/v1/alerts/"+idA+"/disposition", e.compliance, `{"decision":"`+d+`","by":"li","note":"n"}`, nil); code != 201 {
			t.Fatalf("POST %s: %d", d, code)
		}
	}
	if code := e.do(t, "POST", "/v1/alerts/"+idB+"/disposition", e.compliance, `{"decision":"dismissed","by":"wang"}`, nil); code != 201 {
		t.Fatalf("POST dismissed: %d", code)
	}
	got = alertJSON{}
	e.do(t, "GET", "/v1/alerts/"+idA, e.compliance, "", &got)
	if got.Disposition == nil || got.Disposition.Decision != "confirmed" || got.Disposition.By != "li" || len(got.History) != 2 {
		t.Fatalf("GET after review: %+v", got)
	}
	for filter, want := range map[string][]string{
		"confirmed": {idA}, "dismissed": {idB}, "needs_review": {}, "any": {idA, idB}, "none": {}, "": {idA, idB},
	} {
		var list struct{ Alerts []alertJSON }
		if code := e.do(t, "GET", "/v1/alerts?disposition="+filter, "", "", &list); code != 200 {
			t.Fatalf("list %q: %d", filter, code)
		}
		var ids []string
		for _, x := range list.Alerts {
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
	room := e.token(t, auth.Claims{Room: "room-a", Role: "anchor"})
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
		{"no by", "POST", "/v1/alerts/" + id + "/disposition", e.compliance, `{"decision":"confirmed"}`, 400, "bad_disposition"},
		{"not json", "POST", "/v1/alerts/" + id + "/disposition", e.compliance, `confirmed`, 400, "bad_disposition"},
		{"empty", "POST", "/v1/alerts/" + id + "/disposition", e.compliance, ``, 400, "bad_disposition"},
		{"too big", "POST", "/v1/alerts/" + id + "/disposition", e.compliance, strings.Repeat(" ", 70<<10), 413, "too_large"},
		{"unknown alert", "POST", "/v1/alerts/" + alerter.NewID(time.Now()) + "/disposition", e.compliance, ok, 404, "unknown_alert"},
		{"get unknown alert", "GET", "/v1/alerts/NOPE", e.compliance, "", 404, "unknown_alert"},
		{"bad id", "GET", "/v1/alerts/a.b", e.compliance, "", 400, "bad_alert_id"},
		{"bad filter", "GET", "/v1/alerts?disposition=maybe", "", "", 400, "bad_query"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body api.ErrorResponse
			code := e.do(t, c.method, c.path, c.tok, c.body, &body)
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
		resp, err := http.Get(e.url + c.path)
		if err != nil {
			t.Fatal(err)
		}
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
