package defaults_test

import (
	"os"
	"strings"
	"testing"
)

// TestExplain prints, for each utterance in $EXPLAIN (separated by '|'),
// every pattern of the default lexicon that matched it, how, and what
// cancelled it. It is a tool for whoever edits default.yaml:
//
//	EXPLAIN='加我威信|this cure is cancer' go test ./lexicon/defaults -run TestExplain -v
func TestExplain(t *testing.T) {
	texts := os.Getenv("EXPLAIN")
	if texts == "" {
		t.Skip("set EXPLAIN='text|text' to explain matches")
	}
	eng := defaultEngine(t)
	for _, s := range strings.Split(texts, "|") {
		t.Logf("%q", s)
		for _, x := range eng.Explain(s) {
			if x.Matched {
				t.Logf("  %-28s %-24q via=%-9s text=%q fired=%v %s",
					x.RuleID, x.Pattern, x.Via, x.MatchedText, x.Fired, x.Cancelled)
			}
		}
	}
}
