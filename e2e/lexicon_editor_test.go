package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/transcript/store"
)

// memTranscripts serves a fixed set of records through the transcript
// store's Scan signature.
type memTranscripts []store.Record

func (m memTranscripts) Scan(ctx context.Context, from, to time.Time, fn func(store.Record) error) error {
	for _, r := range m {
		if !r.At.Before(from) && r.At.Before(to) {
			if err := fn(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// TestLexiconEditorBrowser drives the editor page in Debian's headless
// Chromium through playwright-core (e2e/browser/editor.mjs).
func TestLexiconEditorBrowser(t *testing.T) {
	node := browserPrereqs(t)
	svc, c, _ := startLexiconService(t)
	tok := mint(t, svc, api.RolePolicy, "")
	var recs memTranscripts
	now := time.Now().Add(-time.Hour)
	for i := range 40 {
		text := "nothing to see here"
		if i%2 == 0 {
			text = fmt.Sprintf("the beta phrase again %d", i)
		}
		recs = append(recs, store.Record{ID: fmt.Sprintf("r1/s1/%d", i), Room: "r1", Session: "s1",
			Utterance: uint64(i), At: now.Add(time.Duration(i) * time.Second), Text: text})
	}
	svc.SetTranscriptSource(recs)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "editor.mjs")
	cmd.Dir = "browser"
	cmd.Env = append(os.Environ(), "EARSHOT_URL="+c.BaseURL(), "EARSHOT_POLICY_TOKEN="+tok,
		"ARTIFACTS_DIR="+filepath.Join(t.TempDir()))
	out, err := cmd.CombinedOutput()
	t.Logf("editor.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("editor browser test: %v", err)
	}
}
