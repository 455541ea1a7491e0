package lexicon

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const escRules = `format: 1
rules:
  - {id: a, category: medical-claim, severity: high, patterns: [cure], reminder: r}
`

func TestEscalationResolve(t *testing.T) {
	lx, err := Parse("esc.yaml", []byte(escRules+`escalation:
  window: 30m
  staff: 3
  stop_suggested: 6
  policies:
    - {severity: critical, staff: 2, stop_suggested: 3}
    - {category: medical-claim, staff: 2, stop_suggested: 4, window: 5m}
    - {category: medical-claim, severity: critical, stop_suggested: 5, heeded: 1m, per: category}
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cat, sev string
		want     EscalationPolicy
	}{
		{"private-goods", "high", EscalationPolicy{Window: 30 * time.Minute, Staff: 3, StopSuggested: 6, Heeded: 30 * time.Minute, Per: "rule"}},
		{"private-goods", "critical", EscalationPolicy{Window: 30 * time.Minute, Staff: 2, StopSuggested: 3, Heeded: 30 * time.Minute, Per: "rule"}},
		{"medical-claim", "high", EscalationPolicy{Window: 5 * time.Minute, Staff: 2, StopSuggested: 4, Heeded: 5 * time.Minute, Per: "rule"}},
		// the most specific entry wins; its unset fields are the section's
		{"medical-claim", "critical", EscalationPolicy{Window: 30 * time.Minute, Staff: 3, StopSuggested: 5, Heeded: time.Minute, Per: "category"}},
	} {
		if got := lx.EscalationFor(tc.cat, tc.sev); got != tc.want {
			t.Errorf("%s/%s: got %+v, want %+v", tc.cat, tc.sev, got, tc.want)
		}
	}
	bare, err := Parse("bare.yaml", []byte(escRules))
	if err != nil {
		t.Fatal(err)
	}
	if got := bare.EscalationFor("medical-claim", "high"); got != DefaultEscalation {
		t.Errorf("no section: got %+v, want the default %+v", got, DefaultEscalation)
	}
}

func TestDefaultLexiconEscalation(t *testing.T) {
	lx, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if lx.Escalation == nil || len(lx.Escalation.Policies) == 0 {
		t.Fatal("the shipped default lexicon has no escalation policy")
	}
	for _, c := range Categories() {
		for _, s := range Severities() {
			p := lx.EscalationFor(c.ID, s.ID)
			if p.Staff < 1 || p.StopSuggested <= p.Staff || p.Window <= 0 || p.Heeded <= 0 {
				t.Errorf("%s/%s: policy %+v", c.ID, s.ID, p)
			}
		}
	}
}

// TestEscalationRejected: every bad policy is refused naming its field.
func TestEscalationRejected(t *testing.T) {
	for _, tc := range []struct{ name, section, field, msg string }{
		{"bad window", "  window: soon\n", "escalation.window", "bad duration"},
		{"zero window", "  window: 0s\n", "escalation.window", "bad duration"},
		{"window too long", "  window: 48h\n", "escalation.window", "at most 24h"},
		{"negative heeded", "  heeded: -1m\n", "escalation.heeded", "bad duration"},
		{"negative staff", "  staff: -1\n", "escalation.staff", "between 0"},
		{"huge stop", "  stop_suggested: 1000\n", "escalation.stop_suggested", "between 0"},
		{"stop before staff", "  staff: 3\n  stop_suggested: 2\n", "escalation.stop_suggested", "more than staff"},
		{"unknown per", "  per: anchor\n", "escalation.per", "unknown"},
		{"unknown field", "  stafff: 3\n", "escalation.stafff", "unknown field"},
		{"staff not a number", "  staff: many\n", "escalation", "cannot unmarshal"},
		{"entry unknown category", "  policies:\n    - {category: spam, staff: 2}\n", "escalation.policies[0].category", "unknown category"},
		{"entry unknown severity", "  policies:\n    - {severity: huge}\n", "escalation.policies[0].severity", "unknown severity"},
		{"entry names nothing", "  policies:\n    - {staff: 2}\n", "escalation.policies[0]", "neither"},
		{"entry duplicate", "  policies:\n    - {severity: high}\n    - {severity: high, staff: 1}\n", "escalation.policies[1]", "same category"},
		{"entry order against the section", "  stop_suggested: 4\n  policies:\n    - {severity: high, staff: 4}\n", "escalation.policies[0].stop_suggested", "more than staff"},
		{"entry unknown field", "  policies:\n    - {severity: high, windw: 5m}\n", "escalation.policies[0].windw", "unknown field"},
		{"entry bad window", "  policies:\n    - {severity: high, window: 5}\n", "escalation.policies[0].window", "bad duration"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// the section after the rules: a type error must not be blamed on the last rule
			_, err := Parse("esc.yaml", []byte(escRules+"escalation:\n"+tc.section))
			var ve ValidationErrors
			if !errors.As(err, &ve) {
				t.Fatalf("accepted (err %v)", err)
			}
			for _, e := range ve {
				if e.Field == tc.field && e.RuleID == "" && strings.Contains(e.Msg, tc.msg) {
					return
				}
			}
			t.Fatalf("no error on %s containing %q:\n%v", tc.field, tc.msg, err)
		})
	}
}

func FuzzEscalation(f *testing.F) {
	f.Add("window: 10m\nstaff: 3\nstop_suggested: 5\npolicies:\n  - {severity: critical, staff: 2, stop_suggested: 3}\n")
	f.Add("per: category\nheeded: 1m\npolicies: [{category: medical-claim, per: rule, window: 1h}]\n")
	f.Add("staff: [1]\npolicies: {a: b}\n")
	f.Fuzz(func(t *testing.T, section string) {
		lx, err := Parse("fuzz.yaml", []byte(escRules+"escalation:\n"+indent(section)))
		if err != nil {
			return
		}
		for _, c := range Categories() {
			for _, s := range Severities() {
				p := lx.EscalationFor(c.ID, s.ID)
				if p.Window <= 0 || p.Window > MaxEscalationWindow || p.Heeded <= 0 || p.Heeded > MaxEscalationWindow ||
					p.Staff < 0 || p.StopSuggested < 0 || p.Staff > MaxEscalationCount || p.StopSuggested > MaxEscalationCount ||
					(p.Staff > 0 && p.StopSuggested > 0 && p.StopSuggested <= p.Staff) || (p.Per != EscalatePerRule && p.Per != EscalatePerCategory) {
					t.Fatalf("accepted policy resolves to %+v for %s/%s", p, c.ID, s.ID)
				}
			}
		}
	})
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n")
}
