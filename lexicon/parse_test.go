package lexicon

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseValid(t *testing.T) {
	lx, err := Parse("rules.yaml", mustRead(t, "testdata/rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if lx.Format != 1 || lx.Name != "test" || len(lx.Rules) != 11 {
		t.Fatalf("got format %d name %q rules %d", lx.Format, lx.Name, len(lx.Rules))
	}
	r := lx.Rules[0]
	if r.ID != "pg-wechat" || len(r.Patterns) != 4 || *r.Patterns[2].Slop != 2 || len(r.Exceptions) != 4 {
		t.Errorf("rule 0 decoded wrong: %+v", r)
	}
	if got := lx.Rules[0].Languages; len(got) != 2 {
		t.Errorf("guessed languages %v, want [zh en]", got)
	}
	if lx.Rules[10].CooldownDuration != time.Minute {
		t.Errorf("cooldown %v", lx.Rules[10].CooldownDuration)
	}
}

func TestDefault(t *testing.T) {
	lx, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Compile(lx, Options{}); err != nil {
		t.Fatal(err)
	}
}

const badYAML = `format: 1
rules:
  - id: ok-rule
    category: private-goods
    severity: high
    patterns: [加微信]
    reminder: r
  - id: Bad_ID
    category: spam
    severity: huge
    languages: [fr]
    patterns:
      - phrase: add me
        slop: 11
        bogus: 1
      - digits: 2
      - "。。！"
      - phrase: "*cure"
      - phrase: 治*愈
    exceptions:
      - "..."
      - phrase: x
        window: 99
    reminder: " "
    cooldown: soon
  - category: medical-claim
    severity: low
    patterns: []
    reminder: r
    extra: true
  - id: ok-rule
    category: private-goods
    severity: high
    patterns: [a]
    reminder: r
`

func TestParseErrors(t *testing.T) {
	_, err := Parse("bad.yaml", []byte(badYAML))
	var ves ValidationErrors
	if !errors.As(err, &ves) {
		t.Fatalf("want ValidationErrors, got %T %v", err, err)
	}
	want := []string{
		`bad.yaml: rule "Bad_ID" (#2): patterns[0].bogus: unknown field (line 15)`,
		`bad.yaml: rule #3: extra: unknown field`,
		`bad.yaml: rule "Bad_ID" (#2): id: must match`,
		`bad.yaml: rule "Bad_ID" (#2): category: unknown category "spam"`,
		`bad.yaml: rule "Bad_ID" (#2): severity: unknown severity "huge"`,
		`bad.yaml: rule "Bad_ID" (#2): languages[0]: unknown language "fr"`,
		`bad.yaml: rule "Bad_ID" (#2): reminder: must not be empty`,
		`bad.yaml: rule "Bad_ID" (#2): cooldown: bad duration "soon"`,
		`bad.yaml: rule "Bad_ID" (#2): patterns[0].slop: must be between 0 and 10`,
		`bad.yaml: rule "Bad_ID" (#2): patterns[1].digits: must be between 3 and 30`,
		`bad.yaml: rule "Bad_ID" (#2): patterns[2].phrase: "。。！" normalizes to nothing`,
		`bad.yaml: rule "Bad_ID" (#2): patterns[3].phrase: bad wildcard`,
		`bad.yaml: rule "Bad_ID" (#2): patterns[4].phrase: bad wildcard`,
		`bad.yaml: rule "Bad_ID" (#2): exceptions[0].phrase: "..." normalizes to nothing`,
		`bad.yaml: rule "Bad_ID" (#2): exceptions[1].window: must be between 0 and 50`,
		`bad.yaml: rule #3: id: missing`,
		`bad.yaml: rule #3: patterns: must have at least one pattern`,
		`bad.yaml: rule "ok-rule" (#4): id: duplicate id (first used by rule #1)`,
	}
	msg := err.Error()
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("missing error %q", w)
		}
	}
	for _, ve := range ves {
		if ve.File != "bad.yaml" || (ve.Index == 0 && ve.RuleID == "") && ve.Field != "format" {
			t.Errorf("error without location: %+v", ve)
		}
	}
	if t.Failed() {
		t.Logf("got:\n%s", msg)
	}
}

func TestParseFileLevelErrors(t *testing.T) {
	cases := map[string]string{
		"":                          "format: missing",
		"format: 2\nrules: []":      "format: unknown format 2",
		"rules: [":                  "invalid YAML",
		"format: 1\nunknown: x":     "unknown: unknown field",
		"format: one":               "cannot unmarshal",
		"- a\n- b":                  "cannot unmarshal",
		"format: 1\nrules: [1, 2]":  "cannot unmarshal",
		"format: 1\nrules:\n  - id": "cannot unmarshal",
	}
	for in, want := range cases {
		_, err := Parse("f.yaml", []byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", in, err, want)
		}
	}
}

func TestLoadFileMissing(t *testing.T) {
	if _, err := LoadFile("testdata/nope.yaml"); err == nil {
		t.Fatal("want error")
	}
}
