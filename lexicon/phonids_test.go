package lexicon

import (
	"reflect"
	"strings"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/lexicon/phonetic"
)

// amongOnly hides the index's FindIDs, so the engine asks FindAmong with
// an allow, as it does for any other PhoneticMatcher.
type amongOnly struct{ ix *phonetic.Index }

func (a amongOnly) AddScored(id int, words []string, min float64) error {
	return a.ix.AddScored(id, words, min)
}

func (a amongOnly) FindAmong(words []string, allow func(int) bool) []PhoneticMatch {
	return a.ix.FindAmong(words, allow)
}

// TestFindIDsPathEqualsAllowPath: the shipped lexicon finds the same hits
// and explanations on every regression utterance, and on each of their
// words' prefixes, whether the engine hands the phone index the ids its
// gates opened or an allow function.
func TestFindIDsPathEqualsAllowPath(t *testing.T) {
	dict, lx := dictAndDefault(t)
	byIDs, err := Compile(lx, Options{Phonetic: phonetic.NewIndex(dict, phonetic.IndexOptions{})})
	if err != nil {
		t.Fatal(err)
	}
	byAllow, err := Compile(lx, Options{Phonetic: amongOnly{phonetic.NewIndex(dict, phonetic.IndexOptions{})}})
	if err != nil {
		t.Fatal(err)
	}
	if byIDs.phonByID == nil || byAllow.phonByID != nil {
		t.Fatal("the engines do not take the two paths")
	}
	zh, en := utterances(t)
	phon := 0
	for _, u := range append(en, zh...) {
		ws := strings.Fields(u)
		for i := 1; i <= len(ws); i++ {
			text := strings.Join(ws[:i], " ")
			got, want := byIDs.MatchText(text), byAllow.MatchText(text)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%q:\n ids   %+v\n allow %+v", text, got, want)
			}
			for _, h := range got {
				if h.Via == "phonetic" {
					phon++
				}
			}
		}
		if g, w := byIDs.Explain(u), byAllow.Explain(u); !reflect.DeepEqual(g, w) {
			t.Fatalf("explain %q:\n ids   %+v\n allow %+v", u, g, w)
		}
	}
	if phon < 20 {
		t.Fatalf("only %d phonetic hits: the test proves little", phon)
	}
}

// dictAndDefault loads the pronouncing dictionary production uses (or
// skips, failing in CI) and the shipped lexicon.
func dictAndDefault(t testing.TB) (*phonetic.Dict, *Lexicon) {
	t.Helper()
	const dictPath = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"
	testutil.NeedFile(t, dictPath)
	dict, err := phonetic.LoadDict(dictPath)
	if err != nil {
		t.Fatal(err)
	}
	lx, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return dict, lx
}

// recorder is a phone index that records what the engine asks it.
type recorder struct {
	*phonetic.Index
	words [][]string
	ids   [][]int
}

func (r *recorder) FindIDs(words []string, ids []int) []PhoneticMatch {
	r.words = append(r.words, append([]string(nil), words...))
	r.ids = append(r.ids, append([]int(nil), ids...))
	return r.Index.FindIDs(words, ids)
}

// BenchmarkFindIDs is the phonetic stage alone of BenchmarkMatch/default/en:
// the phone index asked what the engine asks it on each English utterance.
func BenchmarkFindIDs(b *testing.B) {
	dict, lx := dictAndDefault(b)
	rec := &recorder{Index: phonetic.NewIndex(dict, phonetic.IndexOptions{})}
	e, err := Compile(lx, Options{Phonetic: rec})
	if err != nil {
		b.Fatal(err)
	}
	_, en := utterances(b)
	for _, u := range en {
		e.MatchText(u)
	}
	for b.Loop() {
		for i, w := range rec.words {
			rec.Index.FindIDs(w, rec.ids[i])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(en))/1e3, "µs/utterance")
}
