package e2e

import (
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/testutil"
)

// TestBrowserLinks drives the returning-violators page in headless
// Chromium (e2e/browser/links.mjs) over a whole service: a banned
// anchor's WeChat id said again by a new anchor, posted as text.
func TestBrowserLinks(t *testing.T) {
	node := browserPrereqs(t)
	svc := startService(t, func(c *config.Config) { c.Recognizer.Engine = "none" })
	ctx := testutil.Context(t, 30*time.Second)
	ingest := anonClient(t, svc, api.WithToken(mint(t, svc, api.RoleIngest, "")))
	staff, err := svc.Mint(auth.Request{Role: api.RoleCompliance, Subject: "Zhao Min (browser test)"})
	if err != nil {
		t.Fatal(err)
	}
	compliance := anonClient(t, svc, api.WithToken(staff))
	if _, err := ingest.PostUtterances(ctx, api.Room{ID: "old-room", Anchor: "lily-old", Merchant: "lily-shop"}, api.Utterance{Text: "加我微信 abc123"}); err != nil {
		t.Fatal(err)
	}
	if _, err := compliance.AddBan(ctx, api.BanRequest{Anchor: "lily-old", Reason: "sold counterfeit creams"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.PostUtterances(ctx, api.Room{ID: "new-room", Anchor: "rose-new"}, api.Utterance{Text: "my wechat is a b c one two three"}); err != nil {
		t.Fatal(err)
	}
	runNode(t, node, "links.mjs", map[string]string{"EARSHOT_URL": "http://" + svc.HTTPAddr(), "EARSHOT_TOKEN": staff,
		"EARSHOT_BANNED": "lily-old", "EARSHOT_NEW": "rose-new"})
}
