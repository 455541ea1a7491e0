//go:build linux

package e2e

import (
	"testing"

	"github.com/earshot/earshot/api"
)

// TestBrowserLanguages: the console and overlay open in the browser's
// language, ?lang= and the 中文/English switch change it (kept across a
// reload), and Chinese text is drawn with a CJK font (fonts-noto-cjk from
// scripts/setup.sh), not missing-glyph boxes.
func TestBrowserLanguages(t *testing.T) {
	node := browserPrereqs(t)
	svc := startService(t, nil)
	runNode(t, node, "i18n.mjs", map[string]string{
		"EARSHOT_URL":   "http://" + svc.HTTPAddr(),
		"EARSHOT_TOKEN": mint(t, svc, api.RoleCompliance, ""),
		"EARSHOT_ROOM":  "lang-room",
	})
}
