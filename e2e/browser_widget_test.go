//go:build linux

package e2e

import (
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/auth"
)

// TestBrowserWidget: the viewers' widget (/widget/{room}) reports the
// current moment of the stream, refuses the same moment twice, shows the
// poll staff open on an alert, takes one vote per viewer with the counts
// hidden until staff close the poll, then shows the result; in Chinese too
// (e2e/browser/widget.mjs).
func TestBrowserWidget(t *testing.T) {
	node := browserPrereqs(t)
	svc := startService(t, func(c *config.Config) { c.Recognizer.Engine = "none" })
	viewer := func(id string) string {
		tok, err := svc.Mint(auth.Request{Role: api.RoleViewer, Viewer: id})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	comp, err := svc.Mint(auth.Request{Role: api.RoleCompliance, Subject: "li.na (widget test)"})
	if err != nil {
		t.Fatal(err)
	}
	runNode(t, node, "widget.mjs", map[string]string{
		"EARSHOT_URL": "http://" + svc.HTTPAddr(), "EARSHOT_ROOM": "widget-room",
		"EARSHOT_INGEST_TOKEN": mint(t, svc, api.RoleIngest, ""), "EARSHOT_TOKEN": comp,
		"EARSHOT_VIEWER_TOKEN": viewer("viewer-a"), "EARSHOT_VIEWER2_TOKEN": viewer("viewer-b"),
	})
}
