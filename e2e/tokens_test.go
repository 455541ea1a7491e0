package e2e

import (
	"net/http"
	"testing"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/auth"
)

// TestRequireTokens: with http.require_tokens the alert log, transcripts
// and rooms answer 401 without a token, 403 to an anchor's room token, and
// 200 to compliance staff; health stays open for load balancers.
func TestRequireTokens(t *testing.T) {
	svc := startService(t, func(c *config.Config) { c.HTTP.RequireTokens = true; c.Recognizer.Engine = "none" })
	base := "http://" + svc.HTTPAddr()
	staff, _ := svc.Signer.Sign(auth.Claims{Role: "compliance"})
	anchor, _ := svc.Signer.Sign(auth.Claims{Room: "r1", Role: "anchor"})
	get := func(path, tok string) int {
		req, _ := http.NewRequest("GET", base+path, nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, path := range []string{"/v1/alerts?room=r1", "/v1/transcripts?q=x", "/v1/rooms"} {
		if got := get(path, ""); got != http.StatusUnauthorized {
			t.Errorf("%s without token: %d, want 401", path, got)
		}
		if got := get(path, anchor); got != http.StatusForbidden {
			t.Errorf("%s with a room token: %d, want 403", path, got)
		}
		if got := get(path, staff); got != http.StatusOK {
			t.Errorf("%s with a compliance token: %d, want 200", path, got)
		}
	}
	if got := get("/healthz", ""); got != http.StatusOK {
		t.Errorf("/healthz: %d", got)
	}
}
