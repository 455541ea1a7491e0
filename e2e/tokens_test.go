package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
)

// TestRequireTokens: by default (no setting at all) the alert log,
// transcripts, rooms and lexicons answer 401 without a token, 403 to an
// anchor's room token, and 200 to compliance staff; health stays open for
// load balancers and says nothing is insecure.
func TestRequireTokens(t *testing.T) {
	svc := startService(t, func(c *config.Config) { c.Recognizer.Engine = "none" })
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
		{"without a token", anonClient(t, svc), http.StatusUnauthorized},
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
	if h, err := anonClient(t, svc).Health(ctx); err != nil || len(h.Warnings) != 0 {
		t.Errorf("/healthz without a token: %v %+v", err, h)
	}
}

// TestTokensOptOut: http.require_tokens: false opens the reads and feeds to
// requests without a token, keeps publishing and review (which record
// their author) closed, and says so on /healthz.
func TestTokensOptOut(t *testing.T) {
	svc := startService(t, func(c *config.Config) { c.HTTP.RequireTokens = false; c.Recognizer.Engine = "none" })
	ctx := context.Background()
	anon := anonClient(t, svc)
	if _, err := anon.PostUtterances(ctx, api.Room{ID: "r1"}, api.Utterance{Text: "This cream cures diabetes."}); err != nil {
		t.Fatalf("posting without a token: %v", err)
	}
	if _, err := anon.Alerts(ctx, api.AlertQuery{Room: "r1"}); err != nil {
		t.Errorf("alerts without a token: %v", err)
	}
	if _, err := anon.Publish(ctx, api.PublishRequest{YAML: []byte("name: x\n")}); api.StatusOf(err) != http.StatusUnauthorized {
		t.Errorf("publish without a token: %v, want 401 (the audit log needs an author)", err)
	}
	bad := anonClient(t, svc, api.WithToken("not-a-token"))
	if _, err := bad.Alerts(ctx, api.AlertQuery{}); api.StatusOf(err) != http.StatusUnauthorized {
		t.Errorf("a bad token is still refused: %v", err)
	}
	h, err := anon.Health(ctx)
	if err != nil || len(h.Warnings) != 1 || !strings.Contains(h.Warnings[0], "require_tokens") {
		t.Errorf("/healthz must warn: %v %+v", err, h)
	}
}
