package defaults_test

import (
	"os"
	"strings"
	"testing"
)

func TestScratchExplain(t *testing.T) {
	texts := os.Getenv("EXPLAIN")
	if texts == "" {
		t.Skip()
	}
	eng := defaultEngine(t)
	for _, s := range strings.Split(texts, "|") {
		for _, x := range eng.Explain(s) {
			if x.Matched {
				t.Logf("%q: %s %q via=%s text=%q cancelled=%q fired=%v", s, x.RuleID, x.Pattern, x.Via, x.MatchedText, x.Cancelled, x.Fired)
			}
		}
	}
}
