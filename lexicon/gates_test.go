package lexicon

import (
	"testing"

	"github.com/earshot/earshot/lexicon/phonetic"
)

// TestOpenGatesEqualsKeyTest: marking gated phonetic phrases from the keys
// a segment emitted opens exactly the phrases one of whose phonKeys occurs
// (the per-phrase test it replaces), on every regression text against the
// shipped lexicon with the real pronouncing dictionary.
func TestOpenGatesEqualsKeyTest(t *testing.T) {
	dict, lx := dictAndDefault(t)
	e, err := Compile(lx, Options{Phonetic: phonetic.NewIndex(dict, phonetic.IndexOptions{})})
	if err != nil {
		t.Fatal(err)
	}
	sc := e.newScratch()
	opened := 0
	for _, text := range regressionTexts(t) {
		toks := sc.tz.Tokenize(text)
		if len(toks) == 0 {
			continue
		}
		e.candidates(toks, chineseContext(text, toks), sc)
		e.openGates(sc)
		for id, p := range e.phonIDs {
			if p == nil || !p.phonGated {
				continue
			}
			want := sc.anySeen(p.phonKeys)
			if got := sc.gateOK[id] == sc.gen; got != want {
				t.Fatalf("%q: phrase %q open %v, its keys seen %v", text, p.src, got, want)
			}
			if want {
				opened++
			}
		}
	}
	if opened < 100 {
		t.Fatalf("only %d phrases opened over the regression texts: the test proves little", opened)
	}
}
