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
		{"write to lily.shop@qq.com for the list", "pg-email", "lily.shop@qq.com"},
		{"my mail is john dot smith at outlook dot com", "pg-email", "john dot smith at outlook dot com"},
		{"john underscore smith at gmail dot com", "pg-email", "john underscore smith at gmail dot com"},
		{"lily_shop@163.com", "pg-email", "lily_shop@163.com"},
		{"one two three four five at qq dot com", "pg-email", "one two three four five at qq dot com"},
		{"邮箱是幺三八六六 艾特 qq 点 com", "pg-email", "幺三八六六 艾特 qq 点 com"},
		{"123456789@qq.com", "pg-email", "123456789@qq.com"},
		{"账号是 L I L Y 八 八", "pg-handle", "L I L Y 八 八"},
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

// TestEmailIsNotAlsoAURL: the domain of an e-mail address, and its dotted
// user name (lily.shop), are not web addresses of their own: one address
// read out is one hit.
func TestEmailIsNotAlsoAURL(t *testing.T) {
	e := compileYAML(t, "contacts.yaml", contactYAML)
	for _, text := range []string{"write to lily.shop@qq.com", "john at gmail dot com", "lily 艾特 163 点 com"} {
		var got []string
		for _, h := range e.MatchText(text) {
			got = append(got, h.RuleID+" "+h.MatchedText)
		}
		if len(got) != 1 || !strings.HasPrefix(got[0], "pg-email ") {
			t.Errorf("%q: hits %q, want the e-mail address alone", text, got)
		}
	}
	// A web address next to an e-mail address is still one.
	hits := e.MatchText("visit lilyshop.com or write to lily at qq dot com")
	if len(hits) != 2 {
		t.Errorf("url and e-mail in one sentence: %+v, want both", hits)
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

// FuzzContacts: any text gives contact hits that quote a piece of it, or
// none; never a panic (the scanner walks tokens backwards and forwards).
func FuzzContacts(f *testing.F) {
	e := compileYAML(f, "contacts.yaml", contactYAML)
	for _, s := range []string{"john dot smith at outlook dot com", "lily.shop@qq.com", "幺三八 艾特 qq 点 com",
		"下划线 at 下划线 点 com", "_@_.com", "dot at dot dot com", "w w w dot a dot cn", "l i l y 八 八", "点@点.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, h := range e.MatchText(text) {
			if h.MatchedText == "" || !strings.Contains(text, h.MatchedText) {
				t.Fatalf("%q: hit %+v does not quote the text", text, h)
			}
		}
	})
}
