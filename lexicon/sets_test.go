package lexicon

import (
	"slices"
	"strings"
	"testing"
)

func TestExpandPhrase(t *testing.T) {
	sets := map[string][]string{"c": {"diabetes", "high blood pressure"}, "v": {"cure", "treat"}, "zh": {"糖尿病", "高血压"}}
	for _, tc := range []struct {
		in   string
		want []string
		err  string
	}{
		{in: "prevents hair loss", want: []string{"prevents hair loss"}},
		{in: "prevent* {c}", want: []string{"prevent* diabetes", "prevent* high blood pressure"}},
		{in: "{v}s {c} fast", want: []string{"cures diabetes fast", "cures high blood pressure fast", "treats diabetes fast", "treats high blood pressure fast"}},
		{in: "治好{zh}", want: []string{"治好糖尿病", "治好高血压"}},
		{in: "{nope} it", err: "unknown set {nope} (sets: c, v, zh)"},
		{in: "{} it", err: "unknown set {}"},
		{in: "cure {c", err: "a brace that is not part"},
		{in: "cure c}", err: "a brace that is not part"},
	} {
		got, err := expandPhrase(tc.in, sets)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%q: %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	big := map[string][]string{"a": make([]string, 100)}
	for i := range big["a"] {
		big["a"][i] = "w"
	}
	if _, err := expandPhrase("{a} {a}", big); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("10,000 combinations: %v, want the bound named", err)
	}
}

// TestSetsMatch: each member of a set matches wherever a phrase names it,
// in patterns, guards and exceptions, in both languages; the lexicon as
// written keeps the reference.
func TestSetsMatch(t *testing.T) {
	e := compileYAML(t, "sets.yaml", `format: 1
sets:
  conditions: [diabetes, high blood pressure, hair loss]
  warnings: [can't say, not allowed to say]
  zh-conditions: [糖尿病, 高血压]
rules:
  - id: md-prevent
    category: medical-claim
    severity: high
    patterns:
      - {phrase: "prevent* {conditions}", slop: 1, fuzzy: false}
    exceptions: ["{warnings}"]
    reminder: no disease claims
  - id: md-zh
    category: medical-claim
    severity: high
    languages: [zh]
    patterns: ["治好{zh-conditions}"]
    reminder: 不要宣称治病
`)
	for _, tc := range []struct {
		text string
		rule string
	}{
		{"this tea prevents diabetes", "md-prevent"},
		{"it prevents hair loss forever", "md-prevent"},
		{"it will prevent your high blood pressure", "md-prevent"},
		{"we can't say it prevents diabetes", ""},
		{"it prevents frizz", ""},
		{"吃了能治好高血压", "md-zh"},
		{"吃了能治好感冒", ""},
	} {
		hits := e.MatchText(tc.text)
		switch {
		case tc.rule == "" && len(hits) > 0:
			t.Errorf("%q: hits %v, want none", tc.text, hits)
		case tc.rule != "" && hitFor(hits, tc.rule) == nil:
			t.Errorf("%q: hits %v, want %s", tc.text, hits, tc.rule)
		}
	}
	if got := e.Lexicon().Rules[0].Patterns[0].Phrase; got != "prevent* {conditions}" {
		t.Errorf("Lexicon() pattern %q: the lexicon as written must keep the set reference", got)
	}
	if got := e.Lexicon().Rules[1].Languages; !slices.Equal(got, []string{"zh"}) {
		t.Errorf("languages %v", got)
	}
}

// TestSetsValidation: a bad set or a bad reference is refused naming the
// field at fault.
func TestSetsValidation(t *testing.T) {
	rule := func(phrase string) string {
		return `rules:
  - id: r1
    category: medical-claim
    severity: high
    patterns: ["` + phrase + `"]
    reminder: r
`
	}
	for _, tc := range []struct {
		name, yaml, field, msg string
	}{
		{"unknown set", "format: 1\nsets: {a: [x]}\n" + rule("cures {b}"), "patterns[0].phrase", "unknown set {b} (sets: a)"},
		{"no sets at all", "format: 1\n" + rule("cures {b}"), "patterns[0].phrase", "unknown set {b} (sets: none defined)"},
		{"bad name", "format: 1\nsets: {Bad Name: [x]}\n" + rule("cures x"), "sets.Bad Name", "bad set name"},
		{"empty set", "format: 1\nsets: {a: []}\n" + rule("cures {a}"), "sets.a", "at least one member"},
		{"member names a set", "format: 1\nsets: {a: [\"{a}\"]}\n" + rule("cures x"), "sets.a[0]", "cannot name a set"},
		{"member that cannot match", "format: 1\nsets: {a: [diabetes, \"*x\"]}\n" + rule("cure {a}"), "patterns[0].phrase", `from "cure {a}"`},
	} {
		_, err := Parse(tc.name+".yaml", []byte(tc.yaml))
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		var found bool
		for _, ve := range err.(ValidationErrors) {
			if strings.HasPrefix(ve.Field, tc.field) && strings.Contains(ve.Msg, tc.msg) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: %v; want field %s with %q", tc.name, err, tc.field, tc.msg)
		}
	}
}
