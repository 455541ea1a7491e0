package e2e

import (
	"context"
	"net/http"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
)

// TestRequireTokens: with http.require_tokens the alert log, transcripts,
// rooms and lexicons answer 401 without a token, 403 to an anchor's room
// token, and 200 to compliance staff; health stays open for load balancers.
func TestRequireTokens(t *testing.T) {
	svc := startService(t, func(c *config.Config) { c.HTTP.RequireTokens = true; c.Recognizer.Engine = "none" })
	staff := mint(t, svc, api.RoleCompliance, "")
	anchor := mint(t, svc, api.RoleAnchor, "r1")
	ctx := context.Background()
	calls := map[string]func(c *api.Client) error{
		"GET /v1/alerts": func(c *api.Client) error { _, err := c.Alerts(ctx, api.AlertQuery{Room: "r1"}); return err },
		"GET /v1/transcripts": func(c *api.Client) error {
			_, err := c.SearchTranscripts(ctx, api.SearchQuery{Q: "x"})
			return err
		},
		"GET /v1/rooms":           func(c *api.Client) error { _, err := c.Rooms(ctx); return err },
		"GET /v1/lexicons/active": func(c *api.Client) error { _, err := c.ExportLexicon(ctx, 0); return err },
	}
	clients := []struct {
		who  string
		c    *api.Client
		want int // 0: success
	}{
		{"without a token", apiClient(t, svc), http.StatusUnauthorized},
		{"with a room token", apiClient(t, svc, api.WithToken(anchor)), http.StatusForbidden},
		{"with a compliance token", apiClient(t, svc, api.WithToken(staff)), 0},
	}
	for route, call := range calls {
		for _, cl := range clients {
			if got := api.StatusOf(call(cl.c)); got != cl.want {
				t.Errorf("%s %s: status %d, want %d", route, cl.who, got, cl.want)
			}
		}
	}
	if _, err := apiClient(t, svc).Health(ctx); err != nil {
		t.Errorf("/healthz without a token: %v", err)
	}
}
