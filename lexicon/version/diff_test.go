package version

import (
	"strings"
	"testing"

	"github.com/earshot/earshot/lexicon"
)

// TestCompareSeesEveryField: changing any one field of a rule or of the
// lexicon shows in the diff under that field's name, so what the editor
// shows before a publish is everything the publish changes.
func TestCompareSeesEveryField(t *testing.T) {
	const base = `format: 1
name: diff
allow: [best before]
escalation:
  window: 10m
  staff: 3
  policies:
    - {severity: critical, staff: 2}
rules:
  - id: r
    category: absolute-claim
    severity: medium
    languages: [en]
    description: d
    patterns: ["the best", {phrase: "number one", slop: 1}]
    exceptions: [not the best]
    allow: [the best of both]
    reminder: r
    policy: p
    cooldown: 30s
`
	parse := func(t *testing.T, y string) *lexicon.Lexicon {
		t.Helper()
		lx, err := lexicon.Parse("t.yaml", []byte(y))
		if err != nil {
			t.Fatal(err)
		}
		return lx
	}
	old := parse(t, base)
	for _, tc := range []struct {
		name, from, to, field string
		lexiconLevel          bool
	}{
		{"lexicon allow", "allow: [best before]", "allow: [best before, top notch]", "allow", true},
		{"escalation levels", "staff: 3", "staff: 4", "escalation", true},
		{"escalation entry", "{severity: critical, staff: 2}", "{severity: critical, staff: 2, stop_suggested: 3}", "escalation.policies", true},
		{"description", "description: d", "description: e", "description", false},
		{"severity", "severity: medium", "severity: high", "severity", false},
		{"languages", "languages: [en]", "languages: [en, zh]", "languages", false},
		{"pattern option", "slop: 1}", "slop: 2}", "patterns", false},
		{"pattern guard", "slop: 1}", "slop: 1, not_followed_by: [fan]}", "patterns", false},
		{"exception option", "exceptions: [not the best]", "exceptions: [{phrase: not the best, window: 3}]", "exceptions", false},
		{"exception fuzzy", "exceptions: [not the best]", "exceptions: [{phrase: not the best, fuzzy: true}]", "exceptions", false},
		{"rule allow", "allow: [the best of both]", "allow: [the best of both, the best before]", "allow", false},
		{"short latin guard", "policy: p", "policy: p\n    short_latin_guard: false", "short_latin_guard", false},
		{"romanized", "policy: p", "policy: p\n    romanized: true", "romanized", false},
		{"typed", "policy: p", "policy: p\n    typed: true", "typed", false},
		{"cooldown", "cooldown: 30s", "cooldown: 1m", "cooldown", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(base, tc.from) {
				t.Fatalf("base lacks %q", tc.from)
			}
			d := Compare(old, parse(t, strings.Replace(base, tc.from, tc.to, 1)))
			var got []string
			for _, f := range d.Fields {
				got = append(got, "lexicon."+f.Field)
			}
			for _, c := range d.Changed {
				for _, f := range c.Fields {
					got = append(got, c.ID+"."+f.Field)
				}
			}
			want := "r." + tc.field
			if tc.lexiconLevel {
				want = "lexicon." + tc.field
			}
			if len(got) == 0 || !strings.Contains(strings.Join(got, " "), want) {
				t.Errorf("diff %v, want a change to %s", got, want)
			}
		})
	}
	if d := Compare(old, parse(t, base)); !d.Empty() {
		t.Errorf("the same lexicon differs: %+v", d)
	}
}
