package e2e

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/authtest"
	"github.com/earshot/earshot/internal/testutil"
)

// Who may call each route, written out here rather than read from
// api.Routes, so that the table in api and this one must agree: "public"
// takes no token, "session" is authorized by its session URL, "anchor" is
// the anchor of the path's room ("any anchor" of any room: for a route
// without {room} whose handler checks the resource's room), and admin may
// call every route that takes a token. A route of api.Routes missing here
// fails the test.
var authzMatrix = map[string][]string{
	"GET /healthz": {"public"},
	"GET /readyz":  {"public"},
	"GET /metrics": {"metrics"},

	"GET /v1/rooms":                    {"ingest", "compliance"},
	"POST /v1/rooms":                   {"ingest"},
	"GET /v1/rooms/{room}":             {"ingest", "compliance"},
	"DELETE /v1/rooms/{room}":          {"ingest"},
	"POST /v1/rooms/{room}/audio":      {"ingest"},
	"POST /v1/rooms/{room}/utterances": {"ingest"},
	"GET /v1/rooms/{room}/timeline":    {"compliance"},
	"POST /v1/rooms/{room}/reports":    {"viewer"},
	"GET /v1/rooms/{room}/poll":        {"viewer", "compliance"},
	"POST /v1/rooms/{room}/poll/vote":  {"viewer"},

	"GET /v1/alerts":                        {"compliance"},
	"GET /v1/alerts/{id}":                   {"compliance"},
	"POST /v1/alerts/{id}/disposition":      {"compliance"},
	"GET /v1/alerts/{id}/clip":              {"compliance"},
	"POST /v1/alerts/{id}/appeal":           {"any anchor", "not admin"}, // the handler checks the alert's room (TestAppealRoundTrip); only the anchor appeals, once: not admin in their name
	"GET /v1/appeals":                       {"compliance"},
	"POST /v1/appeals/{id}/decision":        {"compliance"},
	"GET /v1/cases":                         {"compliance"},
	"GET /v1/cases/stats":                   {"compliance"},
	"GET /v1/cases/{id}":                    {"compliance"},
	"GET /v1/alerts/{id}/case":              {"compliance"},
	"POST /v1/cases/{id}/assign":            {"compliance"},
	"POST /v1/cases/{id}/notes":             {"compliance"},
	"POST /v1/cases/{id}/decision":          {"compliance"},
	"POST /v1/cases/decisions":              {"compliance"},
	"GET /v1/escalations":                   {"compliance"},
	"POST /v1/alerts/{id}/poll":             {"compliance"},
	"POST /v1/alerts/{id}/poll/close":       {"compliance"},
	"GET /v1/events/alerts":                 {"compliance"},
	"GET /v1/events/rooms/{room}/reminders": {"anchor", "compliance"},

	"POST /v1/bans":           {"compliance"},
	"GET /v1/bans":            {"compliance", "policy"},
	"DELETE /v1/bans":         {"compliance"},
	"GET /v1/links":           {"compliance", "policy"},
	"GET /v1/links/benign":    {"compliance", "policy"},
	"POST /v1/links/benign":   {"compliance"},
	"DELETE /v1/links/benign": {"compliance"},

	"GET /v1/transcripts":      {"compliance"},
	"GET /v1/transcripts/{id}": {"compliance"},

	"GET /v1/trust/anchors":        {"compliance"},
	"GET /v1/trust/anchors/{id}":   {"compliance"},
	"GET /v1/trust/merchants":      {"compliance"},
	"GET /v1/trust/merchants/{id}": {"compliance"},

	"GET /v1/lexicons/schema":         {"policy", "compliance", "viewer"},
	"GET /v1/lexicons/active":         {"policy", "compliance"},
	"GET /v1/lexicons":                {"policy", "compliance"},
	"GET /v1/lexicons/audit":          {"policy", "compliance"},
	"GET /v1/lexicons/{version}":      {"policy", "compliance"},
	"GET /v1/lexicons/{version}/diff": {"policy", "compliance"},
	"POST /v1/lexicons/validate":      {"policy", "compliance"},
	"POST /v1/lexicons/test":          {"policy", "compliance"},
	"POST /v1/lexicons/backtest":      {"policy", "compliance"},
	"POST /v1/lexicons/import":        {"policy"},
	"POST /v1/lexicons":               {"policy"},
	"POST /v1/lexicons/rollback":      {"policy"},

	"POST /v1/session":   {"any anchor", "ingest", "compliance", "policy", "metrics", "viewer"},
	"GET /v1/session":    {"any anchor", "ingest", "compliance", "policy", "metrics", "viewer"},
	"DELETE /v1/session": {"public"},

	"POST /v1/tokens/revoke": {},
	"GET /v1/tokens/revoked": {},

	"POST /v1/webhooks":                                      {},
	"GET /v1/webhooks":                                       {},
	"GET /v1/webhooks/{id}":                                  {},
	"DELETE /v1/webhooks/{id}":                               {},
	"GET /v1/webhooks/{id}/deliveries":                       {},
	"GET /v1/webhooks/{id}/deliveries/{delivery}":            {},
	"POST /v1/webhooks/{id}/deliveries/{delivery}/redeliver": {},

	"GET /{$}":            {"public"},
	"GET /lexicon":        {"public"},
	"GET /trust":          {"public"},
	"GET /links":          {"public"},
	"GET /overlay/{room}": {"public"},
	"GET /widget/{room}":  {"public"},
	"GET /static/":        {"public"},

	"POST /whip/{room}":              {"anchor", "ingest"},
	"OPTIONS /whip/{room}":           {"public"},
	"PATCH /whip/{room}/{session}":   {"anchor", "ingest"},
	"DELETE /whip/{room}/{session}":  {"session"},
	"OPTIONS /whip/{room}/{session}": {"public"},
}

// principal is one kind of caller of the matrix.
type principal struct {
	name  string
	token string
	role  api.Role // "" for the tokens that must be refused outright
	room  string
}

// TestAuthorizationMatrix: every route of api.Routes against a whole
// service (embedded NATS, every feature on) with no token, an expired,
// a tampered and a revoked one, the anchor of the path's room and of
// another room, and a token of each role. Refused tokens get 401, a role
// or room the route does not admit 403, an admitted one neither; the
// service serves exactly api.Routes, and every route is in authzMatrix.
func TestAuthorizationMatrix(t *testing.T) {
	svc := startService(t, func(c *config.Config) { c.Recognizer.Engine = "none" })
	base := "http://" + svc.HTTPAddr()
	served, unlisted := svc.HTTPRoutes()
	if len(unlisted) > 0 {
		t.Errorf("the server answers routes that are not in api.Routes: %v", unlisted)
	}
	if got, want := patternsOf(served), patternsOf(api.Routes); !slices.Equal(got, want) {
		t.Errorf("served %v\nwant api.Routes %v", got, want)
	}
	for _, rt := range api.Routes {
		if _, ok := authzMatrix[rt.Pattern()]; !ok {
			t.Errorf("%s has no entry in authzMatrix: say who may call it", rt.Pattern())
		}
	}
	for p := range authzMatrix {
		method, path, _ := strings.Cut(p, " ")
		if _, ok := api.RouteOf(method, path); !ok {
			t.Errorf("authzMatrix lists %s, which api.Routes does not", p)
		}
	}

	signer := svc.Keys().Signer
	mint := func(role api.Role, room string) string {
		req := auth.Request{Role: role, Room: room, Subject: "matrix:" + string(role) + room}
		if role == api.RoleViewer {
			req.Viewer = "matrix-viewer"
		}
		tok, _, err := signer.Mint(req)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	admin := mint(api.RoleAdmin, "")
	revoked, revokedClaims, err := signer.Mint(auth.Request{Role: api.RoleAdmin, Subject: "matrix:revoked"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := anonClient(t, svc, api.WithToken(admin)).Revoke(context.Background(), api.RevokeRequest{ID: revokedClaims.ID}); err != nil {
		t.Fatal(err)
	}
	principals := []principal{
		{name: "no token"},
		{name: "expired", token: authtest.Expired(t, signer, api.RoleAdmin, "")},
		{name: "tampered", token: authtest.Tampered(admin)},
		{name: "other key", token: authtest.Token(t, authtest.Signer(t), api.RoleAdmin, "")},
		{name: "revoked", token: revoked},
		{name: "other room", token: mint(api.RoleAnchor, "r2"), role: api.RoleAnchor, room: "r2"},
		{name: "anchor", token: mint(api.RoleAnchor, "r1"), role: api.RoleAnchor, room: "r1"},
		{name: "ingest", token: mint(api.RoleIngest, ""), role: api.RoleIngest},
		{name: "compliance", token: mint(api.RoleCompliance, ""), role: api.RoleCompliance},
		{name: "policy", token: mint(api.RolePolicy, ""), role: api.RolePolicy},
		{name: "metrics", token: mint(api.RoleMetrics, ""), role: api.RoleMetrics},
		{name: "viewer", token: mint(api.RoleViewer, ""), role: api.RoleViewer},
		{name: "admin", token: admin, role: api.RoleAdmin},
	}
	requests := 0
	for _, rt := range api.Routes {
		allowed := authzMatrix[rt.Pattern()]
		t.Run(rt.Pattern(), func(t *testing.T) {
			for _, p := range principals {
				got := matrixCall(t, base, rt, p.token)
				requests++
				want := expectation(allowed, p)
				switch {
				case want == 401 && got != http.StatusUnauthorized,
					want == 403 && got != http.StatusForbidden,
					want == 0 && (got == http.StatusUnauthorized || got == http.StatusForbidden):
					t.Errorf("%s: %d, want %s", p.name, got, wantText(want))
				case got >= 500 && got != http.StatusServiceUnavailable && got != http.StatusNotImplemented:
					t.Errorf("%s: %d: a server error", p.name, got)
				}
			}
		})
	}
	t.Logf("%d routes x %d callers: %d requests", len(api.Routes), len(principals), requests)
}

// expectation: 401, 403, or 0 for "neither".
func expectation(allowed []string, p principal) int {
	if slices.Contains(allowed, "public") || slices.Contains(allowed, "session") {
		return 0
	}
	if p.role == "" {
		return http.StatusUnauthorized
	}
	switch {
	case p.role == api.RoleAdmin && !slices.Contains(allowed, "not admin"),
		slices.Contains(allowed, "any anchor") && p.role == api.RoleAnchor,
		slices.Contains(allowed, "anchor") && p.role == api.RoleAnchor && p.room == "r1",
		p.role != api.RoleAnchor && slices.Contains(allowed, string(p.role)):
		return 0
	}
	return http.StatusForbidden
}

func wantText(want int) string {
	if want == 0 {
		return "neither 401 nor 403"
	}
	return http.StatusText(want)
}

// matrixCall sends one well-formed request to rt (path values filled, a
// body of its first type) and returns the status. Event feeds answer
// their headers at once and are closed right away.
func matrixCall(t *testing.T, base string, rt api.Route, tok string) int {
	t.Helper()
	path := strings.TrimSuffix(strings.Replace(rt.Path, "{$}", "", 1), "/")
	switch path {
	case "":
		path = "/"
	case "/static":
		path = "/static/console.js"
	}
	path = strings.NewReplacer("{room}", "r1", "{id}", alerter.NewID(time.Now()), "{version}", "1", "{session}", "no-such-session").Replace(path)
	var body io.Reader
	ctype := ""
	if len(rt.Body) > 0 {
		ctype = rt.Body[0]
		switch ctype {
		case "audio/wav":
			body = strings.NewReader("RIFF not really a wav")
		case "text/csv":
			body = strings.NewReader("phrase,category\nsome words,absolute-claim\n")
		case "application/json":
			body = strings.NewReader("{}")
		default:
			body = strings.NewReader("v=0\r\n")
		}
	}
	header := http.Header{}
	if ctype != "" {
		header.Set("Content-Type", ctype)
	}
	resp := testutil.Send(t, rt.Method, base+path, tok, body, header)
	resp.Body.Close()
	return resp.StatusCode
}

func patternsOf(rs []api.Route) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Pattern()
	}
	slices.Sort(out)
	return out
}
