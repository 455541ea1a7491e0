//go:build linux

package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/tts"
)

// TestBrowserCases: three spoken hits of one anchor are one case in the
// console's queue; the reviewer assigns it and confirms it with the
// keyboard after playing its clips, every alert gets the disposition, and
// two text cases are dismissed in bulk. UPDATE_DOCS=1 rewrites
// docs/console-case.png and docs/console-case.zh.png.
func TestBrowserCases(t *testing.T) {
	node := browserPrereqs(t)
	wav := synth(t, tts.FliteRMS, "Hello everyone and welcome to the live room.",
		"This cream cures diabetes.", "It is the best cream in the world.", "This is the lowest price ever.")
	svc := startService(t, nil)
	const subject = "Li Na (reviewer)"
	tok, err := svc.Mint(auth.Request{Role: api.RoleCompliance, Subject: subject})
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"EARSHOT_URL": "http://" + svc.HTTPAddr(), "EARSHOT_TOKEN": tok, "EARSHOT_SUBJECT": subject,
		"EARSHOT_INGEST_TOKEN": mint(t, svc, api.RoleIngest, ""), "EARSHOT_ROOM": "case-room", "EARSHOT_ANCHOR": "Mei Lin",
		"EARSHOT_WAV": wav, "EARSHOT_BULK_ROOMS": "bulk-room-1,bulk-room-2",
	}
	if os.Getenv("UPDATE_DOCS") != "" {
		docs, err := filepath.Abs("../docs")
		if err != nil {
			t.Fatal(err)
		}
		env["EARSHOT_DOCS"] = docs
	}
	runNode(t, node, "cases.mjs", env)
}

// TestBrowserAppeal: the anchor appeals a confirmed alert, staff overturn
// it in the console, and the overlay shows the outcome (English and
// Chinese); another room's anchor and a second appeal are refused.
func TestBrowserAppeal(t *testing.T) {
	node := browserPrereqs(t)
	svc := startService(t, nil)
	tok, err := svc.Mint(auth.Request{Role: api.RoleCompliance, Subject: "Wang Fang (reviewer)"})
	if err != nil {
		t.Fatal(err)
	}
	runNode(t, node, "appeal.mjs", map[string]string{
		"EARSHOT_URL": "http://" + svc.HTTPAddr(), "EARSHOT_TOKEN": tok, "EARSHOT_INGEST_TOKEN": mint(t, svc, api.RoleIngest, ""),
		"EARSHOT_ROOM": "appeal-room", "EARSHOT_ROOM_TOKEN": mint(t, svc, api.RoleAnchor, "appeal-room"),
		"EARSHOT_OTHER_ROOM_TOKEN": mint(t, svc, api.RoleAnchor, "other-room"),
	})
}
