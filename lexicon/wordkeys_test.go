package lexicon

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/earshot/earshot/analysis"
)

// TestWordKeysCacheEqualsLookup: a word's keys through the engine's
// cache, cold and warm, with more words than slots (so slots are taken
// over), with a stem already filled, and for a word with more keys than a
// slot keeps, are what looking it up afresh gives, and the stem it fills
// is the word's (what the verifier's stemOf would compute).
func TestWordKeysCacheEqualsLookup(t *testing.T) {
	var rules []Rule
	for i, p := range []string{"cure cancer", "curing", "cured", "antibacterial*", "an*", "ant*", "anti*", "antib*",
		"antiba*", "antibac*", "antibact*", "antibacte*", "antibacter*", "antibacteri*", "venmo", "pay pal"} {
		rules = append(rules, Rule{ID: fmt.Sprint("r", i), Category: "medical", Severity: "low", Reminder: "r",
			Patterns: []Pattern{{Phrase: p}}})
	}
	e := mustCompile(t, &Lexicon{Format: 1, Name: "words", Rules: rules})
	words := []string{"cure", "cures", "curing", "cancer", "antibacterial", "antibacterials", "anti", "venmo", "ven", "pay", "pals", "x"}
	for i := range 10000 {
		words = append(words, fmt.Sprintf("w%dcure", i))
	}
	sc := e.newScratch()
	over := false
	for pass := range 2 {
		for _, w := range words {
			want, _, wantJoin := e.lookupWord(w, "", nil)
			over = over || len(want) > maxWordKeys
			tok := analysis.Token{Kind: analysis.Word, Text: w}
			got, join := e.wordKeys(&tok, sc)
			if !reflect.DeepEqual(append([]int32{}, got...), append([]int32{}, want...)) || join != wantJoin || tok.Stem != analysis.Stem(w) {
				t.Fatalf("pass %d %q: cache gives %v join %v stem %q, lookup %v join %v stem %q", pass, w, got, join, tok.Stem, want, wantJoin, analysis.Stem(w))
			}
			pre := analysis.Token{Kind: analysis.Word, Text: w, Stem: "cure"}
			want, _, _ = e.lookupWord(w, "cure", nil)
			if got, _ := e.wordKeys(&pre, sc); !reflect.DeepEqual(append([]int32{}, got...), append([]int32{}, want...)) || pre.Stem != "cure" {
				t.Fatalf("%q stemmed already: cache gives %v, lookup %v", w, got, want)
			}
		}
	}
	if !over {
		t.Fatal("no word has more keys than a slot keeps: the test does not exercise it")
	}
}
