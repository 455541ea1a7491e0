package lexicon

import (
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"strings"
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
		// The small English vocabulary: many of its rules occur in its
		// segments, which is what the index must not lose.
		small := strings.Fields(benchWordsSmall)
		segs := benchSegmentsFrom(small, zh, 7)
		check(fmt.Sprintf("bench zh=%v", zh), benchRulesFrom(small, 300, zh, 42, false), append(segs, sample...))
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

// TestStrIDs: the hot-path string table finds exactly the keys of the map
// it was built from, over lengths that take each branch of strHash.
func TestStrIDs(t *testing.T) {
	m := map[string]int32{}
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 3000; i++ {
		b := make([]byte, rng.Intn(30))
		for j := range b {
			b[j] = byte('a' + rng.Intn(3))
		}
		m[string(b)] = int32(i)
	}
	tab := newStrIDs(m)
	for k, id := range m {
		if got, ok := tab.get(k); !ok || got != id {
			t.Fatalf("%q: got %d %v, want %d", k, got, ok, id)
		}
	}
	for i := 0; i < 3000; i++ {
		b := make([]byte, rng.Intn(30))
		for j := range b {
			b[j] = byte('a' + rng.Intn(4))
		}
		_, want := m[string(b)]
		if _, ok := tab.get(string(b)); ok != want {
			t.Fatalf("%q: in table %v, in map %v", b, ok, want)
		}
	}
	var empty strIDs
	if id, ok := empty.get("x"); ok || id != -1 {
		t.Fatal("empty table found a key")
	}
}
