package phonetic

import (
	"strings"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
)

const systemDict = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"

// loadSystemDict loads the CMU dictionary that pocketsphinx-en-us installs
// (scripts/setup.sh installs it; skips with the reason if it is absent).
func loadSystemDict(tb testing.TB) *Dict {
	tb.Helper()
	testutil.NeedFile(tb, systemDict) // package pocketsphinx-en-us
	d, err := LoadDict(systemDict)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// claimPhrases is a small lexicon of English claims, as rule patterns.
var claimPhrases = []string{
	"cures cancer", "cures diabetes", "no side effects", "doctors recommend",
	"guaranteed to lose weight", "lowest price ever", "number one",
	"the best", "only today", "link in bio", "text me at", "pay me on paypal",
	"add me on wechat", "fda approved", "prevents hypertension",
	"treats diabetes", "world's first", "one hundred percent effective",
	"last three pieces", "message me privately", "heals arthritis",
}

func newClaimIndex(tb testing.TB, d *Dict) *Index {
	tb.Helper()
	ix := NewIndex(d, IndexOptions{})
	for i, p := range claimPhrases {
		if err := ix.Add(i, strings.Fields(p)); err != nil {
			tb.Fatalf("Add(%q): %v", p, err)
		}
	}
	return ix
}
