package app

import (
	"fmt"
	"testing"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/lexicon"
)

// TestCompilerVersionsDoNotShareIndexes: compiling a new version must not
// change what the version still in force matches (each gets its own
// phonetic index over the shared dictionary).
func TestCompilerVersionsDoNotShareIndexes(t *testing.T) {
	cfg := config.Default()
	testutil.NeedFile(t, cfg.Recognizer.Sphinx.Dict)
	compile := newLexiconLoader(cfg, testutil.Quiet()).Compile
	parse := func(yaml string) *lexicon.Lexicon {
		lx, err := lexicon.Parse("t.yaml", []byte(yaml))
		if err != nil {
			t.Fatal(err)
		}
		return lx
	}
	const rule = `format: 1
name: %s
rules:
  - id: %s
    category: medical-claim
    severity: high
    languages: [en]
    patterns: [{phrase: "%s", fuzzy: true}]
    reminder: r
`
	v1, err := compile(parse(fmt.Sprintf(rule, "v1", "cancer-rule", "cures cancer")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := compile(parse(fmt.Sprintf(rule, "v2", "diabetes-rule", "treats diabetes"))); err != nil {
		t.Fatal(err)
	}
	hits := v1.MatchText("this cream cure is cancer")
	if len(hits) != 1 || hits[0].RuleID != "cancer-rule" {
		t.Fatalf("v1 after compiling v2: %+v, want one cancer-rule hit", hits)
	}
	if hits := v1.MatchText("it treats diabetes"); len(hits) != 0 {
		t.Fatalf("v1 matched v2's phrase: %+v", hits)
	}
}
