package kws

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
)

// smallDict is a hand-written CMU-format dictionary.
const smallDict = `cure K Y UH R
cures K Y UH R Z
cured K Y UH R D
curettage K Y UH R AH T IH JH
diabetes D AY AH B IY T IY Z
clinically K L IH N IH K L IY
proven P R UW V AH N
risk R IH S K
free F R IY
telegram T EH L AH G R AE M
my M AY
cell S EH L
the DH AH
the(2) DH IY
`

// smallPhrases is what the wiring hands kws for a small lexicon: English
// phrase patterns with their rule ids (and a Chinese one, which no
// dictionary word can spell).
var smallPhrases = []Phrase{
	{Text: "cure* diabetes", ID: "md-cure"},
	{Text: "cures diabetes", ID: "md-cure"},
	{Text: "cure* xqzwidget", ID: "md-cure"},
	{Text: "telegram", ID: "md-cure"},
	{Text: "cell", ID: "md-cure"},
	{Text: "Clinically proven", ID: "fa-clinical"},
	{Text: "risk-free", ID: "fa-clinical"},
	{Text: "clinically proven", ID: "gc-clinical"},
	{Text: "治愈糖尿病", ID: "zh-rule"},
	{Text: "", ID: "empty"},
}

func smallDictionary(t testing.TB) *Dict {
	t.Helper()
	d, err := ParseDict(strings.NewReader(smallDict))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDerive(t *testing.T) {
	d := smallDictionary(t)
	th := Thresholds{Bands: []Band{{MaxPhones: 8, Threshold: 1e-10}, {MaxPhones: 20, Threshold: 1e-25}}}
	got := Derive(smallPhrases, d, th, DeriveOptions{})
	want := []Keyphrase{
		// cure* expands to the dictionary's inflections, not to curettage;
		// "cures diabetes" is listed once although two patterns yield it.
		{Phrase: "cure diabetes", Words: 2, Phones: 12, Threshold: 1e-25, Rules: []string{"md-cure"}},
		{Phrase: "cures diabetes", Words: 2, Phones: 13, Threshold: 1e-25, Rules: []string{"md-cure"}},
		{Phrase: "cured diabetes", Words: 2, Phones: 13, Threshold: 1e-25, Rules: []string{"md-cure"}},
		// a long single word is kept; "cell" (3 phones) is not.
		{Phrase: "telegram", Words: 1, Phones: 8, Threshold: 1e-10, Rules: []string{"md-cure"}},
		// one phrase of two rules maps back to both (case folded).
		{Phrase: "clinically proven", Words: 2, Phones: 14, Threshold: 1e-25, Rules: []string{"fa-clinical", "gc-clinical"}},
		// hyphens split words.
		{Phrase: "risk free", Words: 2, Phones: 7, Threshold: 1e-10, Rules: []string{"fa-clinical"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Derive:\n got %+v\nwant %+v", got, want)
	}
}

func TestDeriveBandOff(t *testing.T) {
	d := smallDictionary(t)
	th := Thresholds{Bands: []Band{{MaxPhones: 8, Threshold: 0}, {MaxPhones: 20, Threshold: 1e-25}}}
	for _, k := range Derive(smallPhrases, d, th, DeriveOptions{}) {
		if k.Phones <= 8 {
			t.Errorf("%q (%d phones) derived although its band is off", k.Phrase, k.Phones)
		}
	}
}

// TestDeriveBenchPhrases derives the benchmark workload (the default
// lexicon's English phrases as the wiring lists them) with the real
// dictionary: many keyphrases, every word known, no phrase twice.
func TestDeriveBenchPhrases(t *testing.T) {
	testutil.NeedFile(t, DefaultDict)
	d, err := LoadDict(DefaultDict)
	if err != nil {
		t.Fatal(err)
	}
	kps := Derive(benchPhrases(t).List, d, Tuned(), DeriveOptions{})
	if len(kps) < 100 {
		t.Fatalf("only %d keyphrases", len(kps))
	}
	seen := map[string]bool{}
	for _, k := range kps {
		if seen[k.Phrase] {
			t.Errorf("%q twice", k.Phrase)
		}
		seen[k.Phrase] = true
		for _, w := range strings.Fields(k.Phrase) {
			if d.Phones(w) == 0 {
				t.Errorf("%q: %q not in the dictionary", k.Phrase, w)
			}
		}
	}
}

// benchPhrases reads testdata/phrases.tsv.
func benchPhrases(tb testing.TB) *Phrases {
	tb.Helper()
	data, err := os.ReadFile("testdata/phrases.tsv")
	if err != nil {
		tb.Fatal(err)
	}
	ph := &Phrases{Name: "testdata/phrases.tsv"}
	for _, line := range strings.Split(string(data), "\n") {
		id, text, ok := strings.Cut(line, "\t")
		if ok && !strings.HasPrefix(line, "#") {
			ph.List = append(ph.List, Phrase{ID: id, Text: text})
		}
	}
	return ph
}
