package lexicon

import (
	"strings"
	"testing"
)

const switchesYAML = `
format: 1
name: switches
rules:
  - id: med-ya
    category: medical-claim
    severity: high
    languages: [zh]
    patterns: [牙医]
    reminder: r
  - id: med-ya-noguard
    category: medical-claim
    severity: high
    languages: [zh]
    patterns: [牙医]
    short_latin_guard: false
    reminder: r
  - id: pg-wechat
    category: private-goods
    severity: high
    languages: [zh]
    patterns: [加微信]
    reminder: r
  - id: pg-beijing
    category: private-goods
    severity: high
    languages: [zh]
    patterns: [北京仓]
    romanized: true
    reminder: r
  - id: abs-free
    category: price-fraud
    severity: medium
    languages: [en]
    patterns: [{phrase: totally free, fuzzy: false}, {phrase: cure, fuzzy: false}]
    typed: true
    reminder: r
  - id: pg-whatsapp
    category: private-goods
    severity: high
    languages: [en]
    patterns: [whatsapp]
    typed: true
    reminder: r
  - id: abs-free-plain
    category: price-fraud
    severity: medium
    languages: [en]
    patterns: [{phrase: totally free, fuzzy: false}]
    reminder: r
`

// TestSwitches: the short-Latin guard is a per-rule choice, romanized
// rules read pinyin and initials anywhere, mixed partial pinyin covers
// Chinese in Chinese segments, and typed rules see through stretched
// letters and noise between them.
func TestSwitches(t *testing.T) {
	e := compileYAML(t, "switches.yaml", switchesYAML)
	tests := []struct {
		text string
		want []string
	}{
		{"这个 ya yi 好了", []string{"med-ya-noguard"}},     // 1-2 letter fragments: guarded by default
		{"宝宝们加weix领券", []string{"pg-wechat"}},           // mixed: wei + x
		{"宝宝们加wxin领券", []string{"pg-wechat"}},           // mixed: w + xin
		{"ship from bjc today", []string{"pg-beijing"}}, // initials in an English segment
		{"ship from beijingcang today", []string{"pg-beijing"}},
		{"it is totally freeeee today", []string{"abs-free"}},
		{"it is t.o.t.a.l.l.y f-r-e-e today", []string{"abs-free"}},
		{"it is totally f r e e today", []string{"abs-free"}},
		{"c.u.r.e your skin", []string{"abs-free"}},
		{"it is totally free today", []string{"abs-free", "abs-free-plain"}},
		{"the bjc forum", []string{"pg-beijing"}},
		{"add me on wh@tsapp", []string{"pg-whatsapp"}}, // @ typed for a
		{"add me on wh@ts@pp", []string{"pg-whatsapp"}},
		{"add me on whats.app", []string{"pg-whatsapp"}},
		{"add me on w h a t s a p p", []string{"pg-whatsapp"}},
		{"mail me at lily@shop.com", nil},
		{"ship from the store today", nil},
	}
	for _, tt := range tests {
		expectRules(t, e, tt.text, tt.want)
	}
}

// expectRules checks that text fires exactly the rules want, in order.
func expectRules(t *testing.T, e *Engine, text string, want []string) {
	t.Helper()
	var got []string
	for _, h := range e.MatchText(text) {
		got = append(got, h.RuleID)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%q: fired %v, want %v", text, got, want)
	}
}
