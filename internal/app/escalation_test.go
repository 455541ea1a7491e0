package app

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/testutil"
)

// escalationLexicon is a published version with its own escalation
// policy: a cure claim calls staff at its third reminder and suggests a
// stop at its fourth; a heeded reminder is one not repeated for a second.
const escalationLexicon = `format: 1
name: escalation-test
escalation:
  window: 10m
  staff: 5
  stop_suggested: 9
  heeded: 1s
  policies:
    - {category: medical-claim, staff: 3, stop_suggested: 4}
rules:
  - {id: cure, category: medical-claim, severity: high, patterns: [cures diabetes], reminder: no cure claims, cooldown: 1ms}
  - {id: cheap, category: price-fraud, severity: medium, patterns: [lowest price ever], reminder: no price claims, cooldown: 1ms}
`

// TestEscalationReplay: a transcript replayed through the utterances API
// under a published version: the anchor's repeated claim raises staff at
// the version's count and stop_suggested at the next, no earlier and once
// each (GET /v1/escalations, /metrics); a claim not repeated is heeded
// once its window passed (earshot.heeded.<room>, in EARSHOT_EVENTS).
func TestEscalationReplay(t *testing.T) {
	svc, base := startText(t)
	mint := func(role api.Role) string {
		tok, err := svc.Mint(auth.Request{Role: role, Subject: "test"})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	admin := mint(api.RoleAdmin)
	ctx := testutil.Context(t, 60*time.Second)
	client := func(role api.Role) *api.Client {
		c, err := api.New(base, api.WithToken(mint(role)))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	policy := client(api.RolePolicy)
	if _, err := policy.Publish(ctx, api.PublishRequest{YAML: []byte(escalationLexicon), Message: "escalation policy", Force: true}); err != nil {
		t.Fatal(err)
	}
	ingest, staff := client(api.RoleIngest), client(api.RoleCompliance)
	heeded, err := svc.nc.SubscribeSync(alerter.HeededSubject("r1"))
	if err != nil {
		t.Fatal(err)
	}
	room := api.Room{ID: "r1", Anchor: "anchor-1"}
	// The new version is in force once a claim is reminded with its text.
	testutil.Eventually(t, 10*time.Second, func() error {
		res, err := ingest.PostUtterances(ctx, api.Room{ID: "warmup"}, api.Utterance{Text: "lowest price ever"})
		if err != nil || len(res.Alerts) == 0 || res.Alerts[0].Reminder != "no price claims" {
			return fmt.Errorf("version not in force yet: %+v, %v", res, err)
		}
		return nil
	})

	cheap, err := ingest.PostUtterances(ctx, room, api.Utterance{Text: "the lowest price ever"})
	if err != nil || len(cheap.Alerts) != 1 {
		t.Fatalf("price claim: %+v, %v", cheap, err)
	}
	levels := func() []string {
		es, err := staff.Escalations(ctx, api.EscalationQuery{Room: "r1"})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			out = append(out, fmt.Sprintf("%s@%d", e.Level, e.Count))
		}
		return out
	}
	want := map[int]string{3: "staff@3", 4: "staff@3,stop_suggested@4", 6: "staff@3,stop_suggested@4"}
	for i := 1; i <= 6; i++ {
		time.Sleep(2 * time.Millisecond) // past the rule's 1 ms cooldown: every claim is a reminder
		if res, err := ingest.PostUtterances(ctx, room, api.Utterance{Text: "this cream cures diabetes"}); err != nil || len(res.Alerts) != 1 {
			t.Fatalf("claim %d: %+v, %v", i, res, err)
		}
		if w, ok := want[i]; ok {
			testutil.Eventually(t, 5*time.Second, func() error {
				if got := strings.Join(levels(), ","); got != w {
					return fmt.Errorf("after claim %d: escalations %q, want %q", i, got, w)
				}
				return nil
			})
		} else if i < 3 && len(levels()) != 0 {
			t.Fatalf("after claim %d: escalations %v before the staff count", i, levels())
		}
	}
	// The price claim was never repeated: it is heeded. The cure claim's
	// last reminder is heeded too once its window passes, and on a loaded
	// machine that may come first.
	var h alerter.Heeded
	for h.RuleID != "cheap" {
		m, err := heeded.NextMsg(10 * time.Second)
		if err != nil {
			t.Fatalf("no heeded reminder for the price claim: %v", err)
		}
		if err := json.Unmarshal(m.Data, &h); err != nil || h.Anchor != "anchor-1" || h.WindowSeconds != 1 || (h.RuleID != "cheap" && h.RuleID != "cure") {
			t.Fatalf("heeded %s (%v)", m.Data, err)
		}
	}
	testutil.Eventually(t, 10*time.Second, func() error {
		code, body := testutil.Do(t, http.MethodGet, base+"/metrics", admin, "")
		fams := testutil.Metrics(t, body)
		esc, _ := testutil.MetricSum(fams, "earshot_escalations_total")
		hd, _ := testutil.MetricSum(fams, "earshot_reminders_heeded_total")
		if code != http.StatusOK || esc != 2 || hd < 1 {
			return fmt.Errorf("/metrics: %d, escalations %v, heeded %v", code, esc, hd)
		}
		return nil
	})
}
