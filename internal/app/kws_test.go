package app

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/lexicon/version"
	"github.com/earshot/earshot/transcript/kws"
)

func TestKWSRecognizer(t *testing.T) {
	cfg := config.Default()
	testutil.NeedFile(t, cfg.Recognizer.Sphinx.Dict)
	cfg.Recognizer.Also = "kws"
	rec, err := NewRecognizer(cfg, testutil.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	if rec.Name() != "sphinx+kws" {
		t.Errorf("name %q", rec.Name())
	}
	_ = rec.Close()

	bad := filepath.Join(t.TempDir(), "th.json")
	if err := os.WriteFile(bad, []byte(`{"bands":[{"max_phones":8,"threshold":2}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.Recognizer.Engine, cfg.Recognizer.Also, cfg.Recognizer.KWS.Thresholds = "kws", "", bad
	if _, err := NewRecognizer(cfg, testutil.Quiet()); err == nil || !strings.Contains(err.Error(), "recognizer.kws.thresholds") {
		t.Errorf("bad thresholds file: %v", err)
	}
	cfg.Recognizer.KWS.Thresholds = ""
	calls := 0
	active, err := LoadMatcher(cfg, testutil.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	lex := newLexiconLoader(cfg, nil)
	lex.follow(func() *version.Compiled { calls++; return &version.Compiled{Engine: active} })
	rec, err = newRecognizer(cfg, lex, testutil.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	if calls == 0 {
		t.Error("the lexicon in force was not consulted")
	}
}

const kwsLexicon = `format: 1
name: small
rules:
  - id: md-cure
    category: medical-claim
    severity: high
    languages: [en]
    reminder: No cure claims.
    patterns: ["cure* diabetes", {digits: 6}, telegram]
  - id: fa-any
    category: false-authority
    severity: medium
    reminder: No authority claims.
    patterns: [clinically proven]
  - id: zh-rule
    category: medical-claim
    severity: high
    languages: [zh]
    reminder: 不要说治愈。
    patterns: [治愈糖尿病]
`

// TestKWSPhrases: the spotter gets the English phrase patterns with their
// rule ids; digits patterns and Chinese-only rules stay out.
func TestKWSPhrases(t *testing.T) {
	lx, err := lexicon.Parse("small.yaml", []byte(kwsLexicon))
	if err != nil {
		t.Fatal(err)
	}
	got := KWSPhrases(lx)
	want := &kws.Phrases{Name: "small", List: []kws.Phrase{
		{Text: "cure* diabetes", ID: "md-cure"}, {Text: "telegram", ID: "md-cure"},
		{Text: "clinically proven", ID: "fa-any"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("KWSPhrases:\n got %+v\nwant %+v", got, want)
	}
}

// TestKWSSource: the phrase list is converted once per lexicon version, so
// the spotter's pointer comparison sees a change only when there is one.
func TestKWSSource(t *testing.T) {
	v1, err := lexicon.Parse("small.yaml", []byte(kwsLexicon))
	if err != nil {
		t.Fatal(err)
	}
	v2 := *v1
	cur := v1
	src := &kwsSource{lexicon: func() *lexicon.Lexicon { return cur }}
	a, b := src.Phrases(), src.Phrases()
	if a != b {
		t.Error("same lexicon, new phrase list")
	}
	cur = &v2
	if c := src.Phrases(); c == a || !reflect.DeepEqual(c, a) {
		t.Errorf("new lexicon version: same pointer %v, or different phrases", c == a)
	}
}

// TestKWSDefaultLexicon checks the shipped lexicon's keyphrases against the
// real dictionary: many of them, and the lexicon matches nearly every one
// as text for one of the rules it maps back to (what the spotter emits
// must raise the alert).
func TestKWSDefaultLexicon(t *testing.T) {
	testutil.NeedFile(t, kws.DefaultDict)
	d, err := kws.LoadDict(kws.DefaultDict)
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
	kps := kws.Derive(KWSPhrases(lx).List, d, kws.Tuned(), kws.DeriveOptions{})
	if len(kps) < 100 {
		t.Fatalf("only %d keyphrases from the default lexicon", len(kps))
	}
	unmatched := 0
	for _, k := range kps {
		if !matchesOwnRule(eng, k) {
			unmatched++
		}
	}
	if unmatched*50 > len(kps) {
		t.Errorf("%d of %d keyphrases not matched by their own rules", unmatched, len(kps))
	}
	t.Logf("%d keyphrases, %d not matched by their rules as bare text", len(kps), unmatched)
}

func matchesOwnRule(eng *lexicon.Engine, k kws.Keyphrase) bool {
	for _, h := range eng.MatchText(k.Phrase) {
		if slices.Contains(k.Rules, h.RuleID) {
			return true
		}
	}
	return false
}
