//go:build linux

package e2e

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/testdouble"
)

// TestBrowserEscalation: an anchor repeats a medical claim; the overlay
// draws level staff at the shipped policy's count and stop_suggested at
// its next level, in the stronger style, in English and Chinese; the
// console's escalations list has both, once each, and shows a new one live.
func TestBrowserEscalation(t *testing.T) {
	node := browserPrereqs(t)
	const claim = "This cream cures diabetes."
	eng := testdouble.DefaultEngine(t)
	lx := eng.Lexicon()
	hits := eng.MatchText(claim)
	if len(hits) == 0 {
		t.Fatalf("the default lexicon does not flag %q", claim)
	}
	p := lx.EscalationFor(hits[0].Category, hits[0].Severity)
	t.Logf("policy for %s/%s: %+v", hits[0].Category, hits[0].Severity, p)
	svc := startService(t, func(c *config.Config) {
		c.Recognizer.Engine = "none"
		c.Alerts.Cooldown = config.Duration(time.Millisecond) // every repeat is a reminder
	})
	toks := map[string]string{}
	for _, lang := range []string{"en", "zh-CN"} {
		toks[lang] = mint(t, svc, api.RoleAnchor, "esc-room-"+lang)
	}
	tokens, _ := json.Marshal(toks)
	runNode(t, node, "escalation.mjs", map[string]string{
		"EARSHOT_URL": "http://" + svc.HTTPAddr(), "EARSHOT_ROOM": "esc-room", "EARSHOT_ROOM_TOKENS": string(tokens),
		"EARSHOT_INGEST_TOKEN": mint(t, svc, api.RoleIngest, ""), "EARSHOT_COMPLIANCE_TOKEN": mint(t, svc, api.RoleCompliance, ""),
		"EARSHOT_STAFF_AT": strconv.Itoa(p.Staff), "EARSHOT_STOP_AT": strconv.Itoa(p.StopSuggested),
	})
	staff := anonClient(t, svc, api.WithToken(mint(t, svc, api.RoleCompliance, "")))
	for _, lang := range []string{"en", "zh-CN"} {
		es, err := staff.Escalations(context.Background(), api.EscalationQuery{Room: "esc-room-" + lang})
		if err != nil || len(es) != 2 || es[0].Level != api.LevelStaff || es[0].Count != p.Staff ||
			es[1].Level != api.LevelStopSuggested || es[1].Count != p.StopSuggested {
			t.Fatalf("GET /v1/escalations?room=esc-room-%s: %+v, %v", lang, es, err)
		}
	}
}
