package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/earshot/earshot/api"
)

// browse sends one request straight to srv with the given headers.
func browse(srv http.Handler, method, target, host string, hdr map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(`{"text":"x"}`))
	req.Host = host
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec
}

// TestHostHeader: names the server does not answer for are refused with
// 421 unknown_host (DNS rebinding), IP literals and configured names are
// not, health checks never are.
func TestHostHeader(t *testing.T) {
	o := fullOptions(t, false)
	o.AllowedHosts = []string{"earshot.example.com", "*.corp.example"}
	srv := New(o)
	tok := map[string]string{"Authorization": "Bearer " + admin(t)}
	for host, want := range map[string]int{
		"evil.example:8080":          http.StatusMisdirectedRequest,
		"localhost:8080":             http.StatusMisdirectedRequest, // not configured here
		"earshot.example.com":        http.StatusOK,
		"EARSHOT.example.com.:443":   http.StatusOK,
		"a.corp.example":             http.StatusOK,
		"corp.example.evil.example":  http.StatusMisdirectedRequest,
		"127.0.0.1:8080":             http.StatusOK,
		"[::1]:8080":                 http.StatusOK,
		"10.1.2.3":                   http.StatusOK,
		"earshot.example.com.evil.x": http.StatusMisdirectedRequest,
	} {
		rec := browse(srv, "GET", "/v1/alerts", host, tok)
		if rec.Code != want || (want == 421 && !strings.Contains(rec.Body.String(), string(api.CodeUnknownHost))) {
			t.Errorf("Host %s: %d %s, want %d", host, rec.Code, rec.Body, want)
		}
	}
	if rec := browse(srv, "GET", "/healthz", "evil.example", nil); rec.Code != 200 {
		t.Errorf("/healthz with any Host: %d", rec.Code)
	}
	if rec := browse(New(fullOptions(t, false)), "GET", "/v1/alerts", "localhost:8080", tok); rec.Code != 421 {
		// fullOptions lists example.com only
		t.Errorf("an unlisted localhost: %d", rec.Code)
	}
	bare := New(Options{Rooms: nopRooms{}, Alerts: &memoryLog{}, Tokens: tokened(Options{}).Tokens})
	if rec := browse(bare, "GET", "/v1/alerts", "localhost:8080", tok); rec.Code != 200 {
		t.Errorf("localhost with no names configured: %d", rec.Code)
	}
}

// TestSecurityHeaders: every answer says nosniff, no referrer and a
// content security policy; pages get theirs, with no framing.
func TestSecurityHeaders(t *testing.T) {
	srv := New(fullOptions(t, false))
	for _, path := range []string{"/", "/lexicon", "/overlay/r1", "/static/console.js", "/v1/alerts", "/healthz", "/v1/nothing"} {
		rec := browse(srv, "GET", path, "example.com", nil)
		h := rec.Header()
		csp := h.Get("Content-Security-Policy")
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: %d headers %v", path, rec.Code, h)
		}
		page := path == "/" || path == "/lexicon" || strings.HasPrefix(path, "/overlay/") || strings.HasPrefix(path, "/static/")
		if page != strings.Contains(csp, "script-src 'self'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
	}
}

// TestCrossOriginAndCORS: CORS is answered on the WHIP routes for the
// configured origins only; a cross-origin write elsewhere is refused.
func TestCrossOriginAndCORS(t *testing.T) {
	o := fullOptions(t, false)
	o.AllowOrigins = []string{"https://studio.example"}
	srv := New(o)
	preflight := func(path, origin string) *httptest.ResponseRecorder {
		return browse(srv, "OPTIONS", path, "example.com", map[string]string{
			"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"})
	}
	if rec := preflight("/whip/r1", "https://studio.example"); rec.Header().Get("Access-Control-Allow-Origin") != "https://studio.example" ||
		!strings.Contains(strings.ToLower(rec.Header().Get("Access-Control-Allow-Headers")), "authorization") {
		t.Errorf("WHIP pre-flight from the allowed origin: %d %v", rec.Code, rec.Header())
	}
	if rec := preflight("/whip/r1", "https://evil.example"); rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("WHIP pre-flight from another origin: %v", rec.Header())
	}
	if rec := preflight("/v1/rooms/r1/utterances", "https://studio.example"); rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS on an API route: %v", rec.Header())
	}
	noCORS := browse(New(fullOptions(t, false)), "OPTIONS", "/whip/r1", "example.com", map[string]string{
		"Origin": "https://studio.example", "Access-Control-Request-Method": "POST"})
	if noCORS.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS without allow_origin: %v", noCORS.Header())
	}
	tok := "Bearer " + admin(t)
	for _, c := range []struct {
		name, path string
		hdr        map[string]string
		want       int
	}{
		{"cross-site write", "/v1/rooms/r1/utterances", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403},
		{"old browser, foreign Origin", "/v1/rooms/r1/utterances", map[string]string{"Origin": "https://evil.example"}, 403},
		{"same origin", "/v1/rooms/r1/utterances", map[string]string{"Sec-Fetch-Site": "same-origin"}, 200},
		{"no browser (curl, the CLI)", "/v1/rooms/r1/utterances", nil, 200},
		{"WHIP from the allowed origin", "/whip/r1", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://studio.example"}, http.StatusTeapot},
	} {
		hdr := map[string]string{"Authorization": tok, "Content-Type": "application/json"}
		if strings.HasPrefix(c.path, "/whip/") {
			hdr["Content-Type"] = "application/sdp"
		}
		for k, v := range c.hdr {
			hdr[k] = v
		}
		rec := browse(srv, "POST", c.path, "example.com", hdr)
		if rec.Code != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, rec.Code, rec.Body, c.want)
		}
	}
}
