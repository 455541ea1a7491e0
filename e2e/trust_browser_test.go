//go:build linux

package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/testutil"
)

// TestBrowserTrust drives the trust ledger page in Debian's headless
// Chromium (e2e/browser/trust.mjs) over a whole service whose ledger
// counted real posted speech and a staff decision.
func TestBrowserTrust(t *testing.T) {
	node := browserPrereqs(t)
	svc := startService(t, func(c *config.Config) { c.Recognizer.Engine = "none" })
	trustTraffic(t, svc, "trust-room", "amy", "好物商店")
	clean := cleanTraffic(t, svc, "clean-room", "clean-anchor", "clean-shop")
	staff, err := svc.Mint(auth.Request{Role: api.RoleCompliance, Subject: "Li Na (browser test)"})
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + svc.HTTPAddr()
	testutil.WaitFor(t, 20*time.Second, "the ledger to count both rooms", func() bool {
		var list api.TrustList
		code := testutil.DoJSON(t, "GET", base+"/v1/trust/anchors", staff, "", &list)
		return code == 200 && list.Total == 2 && list.Accounts[0].ID == "amy" && list.Accounts[0].Score < 100 && clean()
	})
	env := map[string]string{"EARSHOT_URL": base, "EARSHOT_TOKEN": staff, "EARSHOT_ANCHOR": "amy", "EARSHOT_MERCHANT": "好物商店"}
	// UPDATE_DOCS=1 rewrites docs/trust.png and docs/trust.zh.png.
	if os.Getenv("UPDATE_DOCS") != "" {
		docs, err := filepath.Abs("../docs")
		if err != nil {
			t.Fatal(err)
		}
		env["EARSHOT_DOCS"] = docs
	}
	runNode(t, node, "trust.mjs", env)
}
