package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/testutil"
)

// TestTokenRevocation: an admin revokes one token by id and another
// person's tokens by subject; both are refused from the next request on,
// other tokens are not, a token minted for the subject afterwards works,
// only an admin may revoke, and the list survives a restart.
func TestTokenRevocation(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir, cfg.Recognizer.Engine = t.TempDir(), "none"
	cfg.HTTP.Addr, cfg.NATS.Listen = "127.0.0.1:0", "127.0.0.1:0"
	ctx := context.Background()
	svc, err := app.Start(ctx, cfg, testutil.Quiet()) // closed by the test: it restarts
	if err != nil {
		t.Fatal(err)
	}
	mintAs := func(role api.Role, sub string) (string, auth.Claims) {
		t.Helper()
		tok, c, err := svc.Keys().Signer.Mint(auth.Request{Role: role, Subject: sub})
		if err != nil {
			t.Fatal(err)
		}
		return tok, c
	}
	admin, _ := mintAs(api.RoleAdmin, "root@platform")
	lost, lostClaims := mintAs(api.RoleCompliance, "li.na@platform")
	kept, _ := mintAs(api.RoleCompliance, "li.na@platform")
	alice1, _ := mintAs(api.RolePolicy, "alice@platform")
	alice2, _ := mintAs(api.RoleCompliance, "alice@platform")
	reads := func(tok string) int {
		_, err := anonClient(t, svc, api.WithToken(tok)).Alerts(ctx, api.AlertQuery{})
		return api.StatusOf(err)
	}
	lexReads := func(tok string) int {
		_, err := anonClient(t, svc, api.WithToken(tok)).Lexicons(ctx)
		return api.StatusOf(err)
	}
	adm := anonClient(t, svc, api.WithToken(admin))

	if _, err := anonClient(t, svc, api.WithToken(kept)).Revoke(ctx, api.RevokeRequest{ID: lostClaims.ID}); api.StatusOf(err) != http.StatusForbidden {
		t.Fatalf("a compliance token revoking: %v, want 403", err)
	}
	r, err := adm.Revoke(ctx, api.RevokeRequest{ID: lostClaims.ID, Reason: "laptop stolen"})
	if err != nil || r.Kind != "id" || r.By != "root@platform" {
		t.Fatalf("revoke by id: %v %+v", err, r)
	}
	if got := reads(lost); got != http.StatusUnauthorized {
		t.Errorf("revoked token: %d, want 401", got)
	}
	if got := reads(kept); got != 0 {
		t.Errorf("another token of the same subject: %d, want it to work", got)
	}
	bySubject, err := adm.Revoke(ctx, api.RevokeRequest{Subject: "alice@platform"})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := lexReads(alice1), reads(alice2); a != http.StatusUnauthorized || b != http.StatusUnauthorized {
		t.Errorf("a revoked subject's tokens: %d %d, want 401 401", a, b)
	}
	// iat has whole seconds: a new token must be issued after the
	// revocation's second.
	testutil.WaitFor(t, 3*time.Second, "the second after the revocation", func() bool {
		return time.Now().Truncate(time.Second).After(bySubject.At)
	})
	alice3, _ := mintAs(api.RolePolicy, "alice@platform")
	if got := lexReads(alice3); got != 0 {
		t.Errorf("a token minted for the subject after the revocation: %d, want it to work", got)
	}
	for _, body := range []string{`{}`, `{"id":"a","subject":"b"}`, `{"subject":"x","by":"someone"}`} {
		var e api.ErrorResponse
		if code := testutil.DoJSON(t, "POST", adm.BaseURL()+"/v1/tokens/revoke", admin, body, &e); code != http.StatusBadRequest {
			t.Errorf("revoke %s: %d %+v, want 400", body, code, e)
		}
	}
	list, err := adm.Revoked(ctx)
	if err != nil || len(list) != 2 || list[0].Reason != "laptop stolen" || list[1].Value != "alice@platform" {
		t.Fatalf("list: %v %+v", err, list)
	}

	closeCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	svc.Close(closeCtx)
	cancel()
	svc = startService(t, func(c *config.Config) { c.DataDir = cfg.DataDir; c.Recognizer.Engine = "none" })
	if got := reads(lost); got != http.StatusUnauthorized {
		t.Errorf("after a restart the revoked token: %d, want 401", got)
	}
	if got := reads(kept); got != 0 {
		t.Errorf("after a restart a kept token: %d", got)
	}
}
