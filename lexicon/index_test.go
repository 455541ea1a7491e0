package lexicon

import (
	"fmt"
	"os"
	"reflect"
	"testing"
)

// TestIndexIsSound: candidate selection (pairs of adjacent elements, rarest
// elements) never drops a pattern that verification would match. Every
// regression utterance and benchmark segment gives the same hits with the
// index as with every pattern verified.
func TestIndexIsSound(t *testing.T) {
	texts := regressionTexts(t)
	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, lx *Lexicon, texts []string) {
		idx, err := Compile(lx, Options{})
		if err != nil {
			t.Fatal(err)
		}
		all, _ := Compile(lx, Options{})
		all.noIndex = true
		for _, s := range texts {
			got, want := idx.MatchText(s), all.MatchText(s)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %q:\n\tindexed %v\n\tall     %v", name, s, brief(got), brief(want))
			}
		}
	}
	// Verifying every pattern is slow under -race: a third of the texts by
	// default, all of them with LEXICON_LONG=1.
	sample := texts
	if os.Getenv("LEXICON_LONG") == "" {
		sample = nil
		for i := 0; i < len(texts); i += 3 {
			sample = append(sample, texts[i])
		}
	}
	check("default", def, sample)
	for _, zh := range []bool{true, false} {
		segs := benchSegments(zh, 7)
		check(fmt.Sprintf("bench zh=%v", zh), benchLexicon(300, zh, 42), append(segs, sample...))
	}
	if os.Getenv("LEXICON_LONG") == "" {
		return
	}
	check("test", mustLoad(t, "testdata/rules.yaml"), texts)
}

func mustLoad(t *testing.T, path string) *Lexicon {
	t.Helper()
	lx, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return lx
}

func brief(hs []Hit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.RuleID+"("+h.Via+":"+h.MatchedText+")")
	}
	return out
}
