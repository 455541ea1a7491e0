package kws

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/earshot/earshot/lexicon"
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

const smallLexicon = `format: 1
name: small
rules:
  - id: md-cure
    category: medical-claim
    severity: high
    languages: [en]
    reminder: No cure claims.
    patterns:
      - cure* diabetes
      - cures diabetes
      - cure* xqzwidget
      - telegram
      - cell
      - {digits: 6}
  - id: fa-clinical
    category: false-authority
    severity: medium
    languages: [en]
    reminder: No authority claims.
    patterns:
      - clinically proven
      - risk-free
  - id: gc-clinical
    category: guarantee-claim
    severity: medium
    languages: [en]
    reminder: No guarantees.
    patterns:
      - clinically proven
  - id: zh-rule
    category: medical-claim
    severity: high
    languages: [zh]
    reminder: 不要说治愈。
    patterns:
      - 治愈糖尿病
`

func parseSmall(t *testing.T) (*lexicon.Lexicon, *Dict) {
	t.Helper()
	lx, err := lexicon.Parse("small.yaml", []byte(smallLexicon))
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseDict(strings.NewReader(smallDict))
	if err != nil {
		t.Fatal(err)
	}
	return lx, d
}

func TestDerive(t *testing.T) {
	lx, d := parseSmall(t)
	th := Thresholds{Bands: []Band{{MaxPhones: 8, Threshold: 1e-10}, {MaxPhones: 20, Threshold: 1e-25}}}
	got := Derive(lx, d, th, DeriveOptions{})
	want := []Keyphrase{
		// cure* expands to the dictionary's inflections, not to curettage;
		// "cures diabetes" is listed once although two patterns yield it.
		{Phrase: "cure diabetes", Words: 2, Phones: 12, Threshold: 1e-25, Rules: []string{"md-cure"}},
		{Phrase: "cures diabetes", Words: 2, Phones: 13, Threshold: 1e-25, Rules: []string{"md-cure"}},
		{Phrase: "cured diabetes", Words: 2, Phones: 13, Threshold: 1e-25, Rules: []string{"md-cure"}},
		// a long single word is kept; "cell" (3 phones) is not.
		{Phrase: "telegram", Words: 1, Phones: 8, Threshold: 1e-10, Rules: []string{"md-cure"}},
		// one phrase of two rules maps back to both.
		{Phrase: "clinically proven", Words: 2, Phones: 14, Threshold: 1e-25, Rules: []string{"fa-clinical", "gc-clinical"}},
		// hyphens split words.
		{Phrase: "risk free", Words: 2, Phones: 7, Threshold: 1e-10, Rules: []string{"fa-clinical"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Derive:\n got %+v\nwant %+v", got, want)
	}
}

func TestDeriveBandOff(t *testing.T) {
	lx, d := parseSmall(t)
	th := Thresholds{Bands: []Band{{MaxPhones: 8, Threshold: 0}, {MaxPhones: 20, Threshold: 1e-25}}}
	for _, k := range Derive(lx, d, th, DeriveOptions{}) {
		if k.Phones <= 8 {
			t.Errorf("%q (%d phones) derived although its band is off", k.Phrase, k.Phones)
		}
	}
}

// TestDeriveDefaultLexicon checks the shipped lexicon against the real
// dictionary: every word known, no phrase twice, and the lexicon matches
// nearly every keyphrase as text, for one of the rules it maps back to.
func TestDeriveDefaultLexicon(t *testing.T) {
	if _, err := os.Stat(DefaultDict); err != nil {
		t.Skip(err)
	}
	d, err := LoadDict(DefaultDict)
	if err != nil {
		t.Fatal(err)
	}
	lx, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := lexicon.Compile(lx, lexicon.Options{})
	if err != nil {
		t.Fatal(err)
	}
	kps := Derive(lx, d, Tuned(), DeriveOptions{})
	if len(kps) < 100 {
		t.Fatalf("only %d keyphrases from the default lexicon", len(kps))
	}
	seen := map[string]bool{}
	unmatched := 0
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
		if !matchesOwnRule(eng, k) {
			unmatched++
		}
	}
	if unmatched*50 > len(kps) {
		t.Errorf("%d of %d keyphrases not matched by their own rules", unmatched, len(kps))
	}
	t.Logf("%d keyphrases, %d not matched by their rules as bare text", len(kps), unmatched)
}

func matchesOwnRule(eng *lexicon.Engine, k Keyphrase) bool {
	for _, h := range eng.MatchText(k.Phrase) {
		for _, r := range k.Rules {
			if h.RuleID == r {
				return true
			}
		}
	}
	return false
}
