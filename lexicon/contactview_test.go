package lexicon

import (
	"strings"
	"testing"
)

// TestContactsSpokenPieces: addresses whose suffix, dot or host is said in
// pieces (spelled, run together, as Chinese syllables or digits) are one
// address; sentences with the same pieces and no address stay clean.
func TestContactsSpokenPieces(t *testing.T) {
	e := compileYAML(t, "contacts.yaml", contactYAML)
	tests := []struct {
		text, want, matched string
	}{
		{"send it to mia at yahoo dot c o m tonight", "pg-email", "mia at yahoo dot c o m"},
		{"mia at outlook d o t com", "pg-email", "mia at outlook d o t com"},
		{"it's mia at hotmail dotcom", "pg-email", "mia at hotmail dotcom"},
		{"write to mia at gmail", "pg-email", "mia at gmail"},
		{"邮箱 mia 爱特 一二六 点 com", "pg-email", "mia 爱特 一二六 点 com"},
		{"mia 艾特 foxmail 点 康姆", "pg-email", "mia 艾特 foxmail 点 康姆"},
		{"mia 圈a qq 点 com", "pg-email", "mia 圈a qq 点 com"},
		{"look up miastore dot n e t", "pg-url", "miastore dot n e t"},
		{"miastore d o t c n has it", "pg-url", "miastore d o t c n"},
		{"type www dot miastore in the browser", "pg-url", "www dot miastore"},
		{"w w w dot mia store dot com", "pg-url", "w w w dot mia store dot com"},
		{"搜 miastore 点 看木", "pg-url", "miastore 点 看木"},
		{"mia at g mail dot com", "pg-email", "mia at g mail dot com"},
		{"write mia at hot mail", "pg-email", "mia at hot mail"},
		{"we met at out look point", "", ""},
		{"back in the dotcom days", "", ""},
		{"she is a senior dotnet developer", "", ""},
		{"we meet at noon", "", ""},
		{"我们下午三点看木头家具", "", ""},
	}
	for _, tt := range tests {
		var got []string
		matched := ""
		for _, h := range e.MatchText(tt.text) {
			got = append(got, h.RuleID)
			if h.RuleID == tt.want {
				matched = h.MatchedText
			}
		}
		if tt.want == "" {
			if len(got) != 0 {
				t.Errorf("%q fired %v, want nothing", tt.text, got)
			}
			continue
		}
		if !strings.Contains(strings.Join(got, ","), tt.want) || matched != tt.matched {
			t.Errorf("%q: fired %v matching %q, want %s on %q", tt.text, got, matched, tt.want, tt.matched)
		}
	}
}
