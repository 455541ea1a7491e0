package e2e

import (
	"os/exec"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
)

// TestI18nModule runs web/static/i18n.js under node (browser/i18n-unit.mjs):
// the language a page opens in (?lang=, the stored choice, the browser's
// languages, English), plurals, placeholders, the English fallback of a
// key missing in Chinese, and a switch that updates ?lang= and tells
// listeners.
func TestI18nModule(t *testing.T) {
	node := testutil.NeedTool(t, "node")
	cmd := exec.Command(node, "i18n-unit.mjs")
	cmd.Dir = "browser"
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("i18n-unit.mjs: %v", err)
	}
}
