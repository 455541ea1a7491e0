package lexicon

import (
	"strings"
	"testing"
)

const allowYAML = `
format: 1
name: allow
allow: [best before]
rules:
  - id: med-effect
    category: medical-claim
    severity: high
    languages: [zh]
    patterns: [{phrase: 特效, fuzzy: false}]
    allow: [特效妆, 特效化妆]
    reminder: r
  - id: pg-wechat
    category: private-goods
    severity: high
    languages: [zh]
    patterns: [{phrase: 加微信, fuzzy: false}]
    reminder: r
  - id: abs-best
    category: absolute-claim
    severity: medium
    languages: [en]
    patterns: [{phrase: best, fuzzy: false}]
    reminder: r
  - id: med-cure
    category: medical-claim
    severity: high
    languages: [en]
    patterns: [cure*]
    allow: [cure time, curing lamp]
    reminder: r
  - id: exc-effect
    category: medical-claim
    severity: high
    languages: [zh]
    patterns: [{phrase: 特效, fuzzy: false}]
    exceptions: [特效妆]
    reminder: r
`

// TestAllowSpans: an allowed phrase cancels only the hits inside its own
// occurrences (span semantics), where an exception cancels any hit near it.
func TestAllowSpans(t *testing.T) {
	e := compileYAML(t, "allow.yaml", allowYAML)
	tests := []struct {
		name, text string
		want       []string // rule ids that fire
	}{
		{"inside the allowed phrase", "今天教大家画特效妆", nil},
		{"the denied word alone", "这是特效药", []string{"exc-effect", "med-effect"}},
		// The exception cancels the second 特效 too: it is near 特效妆.
		{"again right after its allowed superstring", "特效妆和特效霜", []string{"med-effect"}},
		{"again, out of the exception's window", "画个特效妆，这个霜是特效的", []string{"exc-effect", "med-effect"}},
		{"an unrelated violation next to it", "特效妆教程加微信领", []string{"pg-wechat"}},
		{"lexicon-level allow", "check the best before date", nil},
		{"lexicon-level allow, the word elsewhere", "best before june, the best cream", []string{"abs-best"}},
		{"en rule allow", "the gel cure time is sixty seconds under the curing lamp", nil},
		{"en rule allow, a claim beside it", "short cure time and it cures acne", []string{"med-cure"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, h := range e.MatchText(tt.text) {
				got = append(got, h.RuleID)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("%q: fired %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

// TestAllowExplained: the explanation names the allowed phrase that
// cancelled a hit.
func TestAllowExplained(t *testing.T) {
	lx, err := Parse("allow.yaml", []byte(allowYAML))
	if err != nil {
		t.Fatal(err)
	}
	e, _ := Compile(lx, Options{})
	found := false
	for _, x := range e.Explain("今天教大家画特效妆") {
		found = found || (x.RuleID == "med-effect" && strings.Contains(x.Cancelled, `allow "特效妆"`))
	}
	if !found {
		t.Errorf("no explanation names the allowed phrase: %+v", e.Explain("今天教大家画特效妆"))
	}
}

func TestAllowValidated(t *testing.T) {
	_, err := Parse("bad.yaml", []byte("format: 1\nname: x\nallow: ['，']\nrules:\n  - {id: a, category: medical-claim, severity: low, patterns: [x], allow: [''], reminder: r}\n"))
	if err == nil || !strings.Contains(err.Error(), "allow[0]") {
		t.Fatalf("want errors naming allow[0], got %v", err)
	}
}
