package lexicon

import (
	"strings"
	"testing"
)

const contactYAML = `
format: 1
name: contacts
rules:
  - id: pg-email
    category: private-goods
    severity: high
    patterns: [{contact: email}]
    reminder: r
  - id: pg-url
    category: private-goods
    severity: high
    patterns: [{contact: url}]
    reminder: r
  - id: pg-handle
    category: private-goods
    severity: medium
    patterns: [{contact: handle}]
    reminder: r
`

func TestContacts(t *testing.T) {
	e := compileYAML(t, "contacts.yaml", contactYAML)
	tests := []struct {
		text, want, matched string
	}{
		{"email me at john at gmail dot com", "pg-email", "john at gmail dot com"},
		{"write to lily.shop@qq.com for the list", "pg-email", "shop@qq.com"},
		{"发邮件到 lily 艾特 163 点 com", "pg-email", "lily 艾特 163 点 com"},
		{"my email is j o h n at outlook dot com", "pg-email", "j o h n at outlook dot com"},
		{"go to w w w dot lilyshop dot com for more", "pg-url", "w w w dot lilyshop dot com"},
		{"搜 www 点 lily 点 cn 就能买", "pg-url", "www 点 lily 点 cn"},
		{"visit lilyshop.com tonight", "pg-url", "lilyshop.com"},
		{"search my id l i l y eight eight on the app", "pg-handle", "l i l y eight eight"},
		{"we are at the studio, dot your i's", "", ""},
		{"the dot com bubble was long ago", "", ""},
		{"a b c", "", ""},
		{"call at 5 o'clock", "", ""},
	}
	for _, tt := range tests {
		hits := e.MatchText(tt.text)
		var got []string
		matched := ""
		for _, h := range hits {
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

func TestContactValidated(t *testing.T) {
	for _, p := range []string{"{contact: phone}", "{contact: email, phrase: x}", "{contact: url, fuzzy: true}"} {
		y := "format: 1\nname: x\nrules:\n  - {id: a, category: private-goods, severity: low, patterns: [" + p + "], reminder: r}\n"
		if _, err := Parse("c.yaml", []byte(y)); err == nil || !strings.Contains(err.Error(), "patterns[0]") {
			t.Errorf("%s: want an error naming patterns[0], got %v", p, err)
		}
	}
}
