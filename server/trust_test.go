package server

import (
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/authtest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/trust"
)

// trustServer serves a view seeded with three anchors and a merchant.
func trustServer(t *testing.T, ready bool) (*httptest.Server, string) {
	t.Helper()
	v := trust.NewView(30, 30, nil)
	today := trust.DateOf(time.Now())
	v.SetDay(trust.Anchor, "amy", trust.Day{Date: today, AirtimeMs: 7_200_000, Alerts: map[string]int64{"absolute-claims/high": 2},
		Confirmed: map[string]int64{"high": 2}})
	v.SetDay(trust.Anchor, "bob", trust.Day{Date: today, AirtimeMs: 3_600_000})
	v.SetDay(trust.Anchor, "=cmd|calc", trust.Day{Date: today, AirtimeMs: 60_000})
	v.SetDay(trust.Anchor, "小美", trust.Day{Date: today, AirtimeMs: 10_800_000, EscalationsStaff: 1})
	v.SetDay(trust.Merchant, "shop1", trust.Day{Date: today, AirtimeMs: 7_200_000})
	if ready {
		v.MarkReady()
	}
	srv := httptest.NewServer(New(tokened(Options{Rooms: nopRooms{}, Alerts: &memoryLog{}, Trust: v, Logger: testutil.Quiet()})))
	t.Cleanup(srv.Close)
	return srv, authtest.Token(t, handlerKey(), api.RoleCompliance, "")
}

func TestTrustAPI(t *testing.T) {
	srv, tok := trustServer(t, true)
	ingest := authtest.Token(t, handlerKey(), api.RoleIngest, "")
	policy := authtest.Token(t, handlerKey(), api.RolePolicy, "")
	cases := []struct {
		path, token string
		status      int
		code        api.Code
	}{
		{"/v1/trust/anchors/amy", tok, 200, ""},
		{"/v1/trust/anchors/" + url.PathEscape("小美"), tok, 200, ""},
		{"/v1/trust/merchants/shop1?history=0", tok, 200, ""},
		{"/v1/trust/anchors/nobody", tok, 404, api.CodeUnknownAccount},
		{"/v1/trust/merchants/amy", tok, 404, api.CodeUnknownAccount},
		{"/v1/trust/anchors/" + url.PathEscape("a\x01b"), tok, 400, api.CodeBadAccount},
		{"/v1/trust/anchors/" + strings.Repeat("x", 129), tok, 400, api.CodeBadAccount},
		{"/v1/trust/anchors/amy?history=-1", tok, 400, api.CodeBadQuery},
		{"/v1/trust/anchors/amy?history=400", tok, 400, api.CodeBadQuery},
		{"/v1/trust/anchors/amy?history=x", tok, 400, api.CodeBadQuery},
		{"/v1/trust/anchors/amy?days=3", tok, 400, api.CodeBadQuery},
		{"/v1/trust/anchors?sort=name", tok, 400, api.CodeBadQuery},
		{"/v1/trust/anchors?order=up", tok, 400, api.CodeBadQuery},
		{"/v1/trust/anchors?limit=0", tok, 400, api.CodeBadQuery},
		{"/v1/trust/anchors?limit=10001", tok, 400, api.CodeBadQuery},
		{"/v1/trust/anchors?limit=1&limit=2", tok, 400, api.CodeBadQuery},
		{"/v1/trust/merchants?format=xml", tok, 400, api.CodeBadQuery},
		{"/v1/trust/anchors", "", 401, api.CodeUnauthorized},
		{"/v1/trust/anchors", ingest, 403, api.CodeForbidden},
		{"/v1/trust/anchors/amy", policy, 403, api.CodeForbidden},
	}
	for _, tc := range cases {
		var e api.ErrorResponse
		code := testutil.DoJSON(t, "GET", srv.URL+tc.path, tc.token, "", &e)
		if code != tc.status || e.Error.Code != tc.code {
			t.Errorf("GET %s: %d %q (%s), want %d %q", tc.path, code, e.Error.Code, e.Error.Message, tc.status, tc.code)
		}
	}

	var rep api.TrustReport
	if code := testutil.DoJSON(t, "GET", srv.URL+"/v1/trust/anchors/amy?history=7", tok, "", &rep); code != 200 {
		t.Fatalf("GET amy: %d", code)
	}
	// 2 confirmed high in 2 hours: 3 per hour, sub 0.4; confirmed share 1.
	if rep.Score != 61 || rep.Kind != "anchor" || rep.Formula != trust.FormulaVersion || len(rep.History) != 7 ||
		rep.History[6].Score != 61 || rep.Violations["absolute-claims/high"] != 2 || rep.WindowDays != 30 {
		t.Errorf("amy: %+v", rep)
	}
	var sum float64
	for _, in := range rep.Indicators {
		sum += in.Contribution
	}
	if sum != rep.Score {
		t.Errorf("contributions add to %v, score %v", sum, rep.Score)
	}

	var list api.TrustList
	if code := testutil.DoJSON(t, "GET", srv.URL+"/v1/trust/anchors?limit=2", tok, "", &list); code != 200 {
		t.Fatalf("list: %d", code)
	}
	if list.Total != 4 || len(list.Accounts) != 2 || list.Accounts[0].ID != "amy" || list.Accounts[1].ID != "小美" || list.Sort != "score" {
		t.Errorf("ranked list: %+v", list)
	}
	if code := testutil.DoJSON(t, "GET", srv.URL+"/v1/trust/anchors?sort=airtime", tok, "", &list); code != 200 ||
		list.Accounts[0].ID != "小美" || list.Order != "desc" {
		t.Errorf("by airtime: %d %+v", code, list)
	}

	code, body := testutil.Do(t, "GET", srv.URL+"/v1/trust/anchors?format=csv&sort=id", tok, "")
	if code != 200 {
		t.Fatalf("csv: %d %s", code, body)
	}
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || rows[0][0] != "kind" || rows[0][2] != "score" || rows[1][1] != "'=cmd|calc" || rows[2][1] != "amy" || rows[2][2] != "61" {
		t.Errorf("csv rows %q", rows)
	}
}

func TestTrustNotReady(t *testing.T) {
	srv, tok := trustServer(t, false)
	resp := testutil.Send(t, "GET", srv.URL+"/v1/trust/anchors/amy", tok, nil, nil)
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("not ready: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}
