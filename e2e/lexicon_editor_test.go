//go:build linux

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/auth"
)

// TestLexiconEditorBrowser drives the lexicon editor in Debian's headless
// Chromium through playwright-core (e2e/browser/editor.mjs): sign-in from
// the URL, the rule list's search and filters, a rule edited through the
// form (patterns with options, exceptions, allow list, switches), the diff
// shown before publishing, a backtest whose utterances link to the
// console's timeline, the publish, and the published version matching a
// new utterance, and a compliance session that may read but not publish;
// with screenshots in English and Chinese.
//
// The utterances are posted through the API, so the backtest scans the
// real transcript store and its links open real stored utterances.
func TestLexiconEditorBrowser(t *testing.T) {
	node := browserPrereqs(t)
	svc, _, _ := startLexiconService(t)
	policy, err := svc.Mint(auth.Request{Role: api.RolePolicy, Subject: "Wang Fang"})
	if err != nil {
		t.Fatal(err)
	}
	ingest := apiClient(t, svc)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := range 12 {
		text := "nothing to see here"
		if i%3 == 0 {
			text = fmt.Sprintf("the beta phrase again, number %d", i)
		}
		if _, err := ingest.PostUtterances(ctx, api.Room{ID: "editor-room"}, api.Utterance{Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	// The store indexes asynchronously: wait until all twelve are there.
	deadline := time.Now().Add(10 * time.Second)
	for {
		tl, err := ingest.Timeline(ctx, "editor-room", time.Now(), time.Hour, time.Minute)
		if err == nil && len(tl.Records) == 12 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the twelve utterances are not stored after 10 s (%v, %d)", err, len(tl.Records))
		}
		time.Sleep(50 * time.Millisecond)
	}
	docs, err := filepath.Abs("../docs")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"EARSHOT_URL": "http://" + svc.HTTPAddr(), "EARSHOT_POLICY_TOKEN": policy,
		"EARSHOT_COMPLIANCE_TOKEN": mint(t, svc, api.RoleCompliance, ""),
		"EARSHOT_INGEST_TOKEN":     mint(t, svc, api.RoleIngest, ""), "EARSHOT_ROOM": "editor-room",
	}
	// UPDATE_DOCS=1 rewrites docs/editor.png and docs/editor.zh.png.
	if os.Getenv("UPDATE_DOCS") != "" {
		env["EARSHOT_DOCS"] = docs
	}
	runNode(t, node, "editor.mjs", env)
}
