package lexicon

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/earshot/earshot/transcript"
)

// literalASCIIPool is what the literal path's tests build lexicons and
// texts from: capitals, apostrophes, fillers, digits and number words
// (alone and together), Chinese-only spellings (vx makes an English
// segment Chinese), words of eight letters and more (a table keyed by
// their first eight, littab.go), words of the guards, exceptions and allowed phrases
// below, and a little non-ASCII (which sends a text down the general
// path).
var (
	literalASCIIPool = strings.Fields("buy now Buy NOW don't dont it's the a price deal um uh " +
		"vx weixin wechat add me cure cures free gift today , . ! ? - whatsapp instagram InstaGram telegram telegrams")
	literalNumbers  = strings.Fields("eight 8 one 1 twenty oh five double hundred ten 3 12")
	literalNonASCII = strings.Fields("café 加 ＢＵＹ")
)

// literalWord picks a word of the pool, a number one time in eight, one
// that is not ASCII one time in a hundred.
func literalWord(rng *rand.Rand) string {
	switch n := rng.IntN(100); {
	case n == 0:
		return literalNonASCII[rng.IntN(len(literalNonASCII))]
	case n < 13:
		return literalNumbers[rng.IntN(len(literalNumbers))]
	}
	return literalASCIIPool[rng.IntN(len(literalASCIIPool))]
}

// literalASCIILexicon is a random literal lexicon over the pool: rules of
// one to three patterns, some with languages, romanized, guards (English
// ones make a pattern indirect, Chinese ones do not), exceptions and
// allowed phrases of both kinds, a private-goods rule (its built-in guard
// is Chinese).
func literalASCIILexicon(rng *rand.Rand, n int) *Lexicon {
	phrase := func(max int) string {
		var ws []string
		for range 1 + rng.IntN(max) {
			w := literalWord(rng)
			if strings.ContainsAny(w, ",.!?-") {
				w = "free"
			}
			ws = append(ws, w)
		}
		return strings.Join(ws, " ")
	}
	no, zero := false, 0
	lx := &Lexicon{Format: 1, Name: "literal-ascii"}
	if rng.IntN(6) == 0 {
		lx.Allow = []string{phrase(3)}
	}
	cats := []string{"other", "private-goods", "medical"}
	for i := range n {
		r := Rule{ID: fmt.Sprintf("r%02d", rng.IntN(n*2)) + fmt.Sprint(i), Category: cats[rng.IntN(len(cats))],
			Severity: "low", Reminder: "r"}
		for range 1 + rng.IntN(3) {
			p := Pattern{Phrase: phrase(4), Fuzzy: &no, Slop: &zero}
			switch rng.IntN(40) {
			case 0:
				p.NotFollowedBy = []string{phrase(2)}
			case 1:
				p.NotPrecededBy = []string{"加微信"}
			case 2:
				p.NotInside = []string{phrase(3)}
			}
			r.Patterns = append(r.Patterns, p)
		}
		switch rng.IntN(30) {
		case 0:
			r.Exceptions = []Exception{{Phrase: phrase(2)}}
		case 1:
			r.Exceptions = []Exception{{Phrase: "不要"}}
		case 2:
			r.Allow = []string{phrase(3)}
		case 3:
			r.Allow = []string{"小黄车"}
		case 4:
			r.Languages = []string{"zh"}
		case 5:
			r.Languages = []string{"en"}
		case 6:
			r.Romanized = true
		}
		lx.Rules = append(lx.Rules, r)
	}
	return lx
}

func literalASCIIText(rng *rand.Rand) string {
	var b strings.Builder
	for i := range 3 + rng.IntN(25) {
		if i > 0 && rng.IntN(4) > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(literalWord(rng))
	}
	return b.String()
}

// TestLiteralASCIIEqualsGeneral is the differential test of the literal
// ASCII path (literal.go): over random literal lexicons and texts, every
// text it answers gets exactly the hits of the general path (tokenize,
// scan, verify, cancel), field by field; the texts it hands over are
// matched by the general path anyway. It must answer a fifth of them
// with a hit each on average, or the test exercises too little (the
// lexicons are made to hand many over: numbers together, indirect
// patterns).
func TestLiteralASCIIEqualsGeneral(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var d literalDiff
	for round := range 40 {
		e, gen := literalPair(t, literalASCIILexicon(rng, 5+round*3))
		for range 60 {
			d.check(t, e, gen, literalASCIIText(rng), e.literalASCII)
		}
	}
	if d.answered < d.texts/5 || d.hits < d.answered {
		t.Fatalf("the literal path answered %d of %d texts with %d hits: the test exercises too little", d.answered, d.texts, d.hits)
	}
}

// FuzzLiteralASCII is TestLiteralASCIIEqualsGeneral over fuzzed texts.
func FuzzLiteralASCII(f *testing.F) {
	rng := rand.New(rand.NewPCG(5, 6))
	e, gen := literalPair(f, literalASCIILexicon(rng, 80))
	for range 20 {
		f.Add(literalASCIIText(rng))
	}
	f.Add("Don't BUY now'' 'buy' twenty  one, oh 5 double 8 VX")
	f.Fuzz(func(t *testing.T, text string) { literalSame(t, e, gen, text) })
}

// literalPair compiles lx twice: an engine that takes the literal paths
// and one that never does (the general path).
func literalPair(t testing.TB, lx *Lexicon) (lit, gen *Engine) {
	t.Helper()
	lit, err := Compile(lx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !lit.lit {
		t.Fatal("a literal lexicon does not take the literal paths")
	}
	if gen, err = Compile(lx, Options{}); err != nil {
		t.Fatal(err)
	}
	gen.noLit = true
	return lit, gen
}

// literalSame: the literal engine's hits of text are the general one's.
func literalSame(t *testing.T, lit, gen *Engine, text string) []Hit {
	t.Helper()
	want := gen.MatchText(text)
	if got := lit.MatchText(text); !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\n literal %+v\n general %+v", text, got, want)
	}
	return want
}

// literalDiff counts what the differential tests of a literal path saw.
type literalDiff struct{ answered, texts, hits, guarded int }

// check matches text on one literal path (path) and, when it answers,
// compares its hits with the general path's, field by field; MatchText
// must agree in any case.
func (d *literalDiff) check(t *testing.T, lit, gen *Engine, text string, path func([]Hit, string, *scratch) ([]Hit, bool)) {
	t.Helper()
	d.texts++
	sc := lit.scratch.Get().(*scratch)
	got, ok := path(nil, text, sc)
	d.guarded += len(sc.occs)
	lit.scratch.Put(sc)
	want := literalSame(t, lit, gen, text)
	if !ok {
		return
	}
	d.answered++
	d.hits += len(got)
	locate(got, text, transcript.Hypothesis{Text: text, Final: true})
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\n literal path %+v\n general      %+v", text, got, want)
	}
}

// TestLiteralASCIIHandsOver: a text in which a pattern the literal path
// cannot decide (here, one with an English guard) occurs at the same word
// as one it can, in either order of the rules, goes down the general
// path and gets both hits.
func TestLiteralASCIIHandsOver(t *testing.T) {
	no, zero := false, 0
	guarded := Rule{ID: "guarded", Category: "other", Severity: "low",
		Patterns: []Pattern{{Phrase: "buy now", Fuzzy: &no, Slop: &zero, NotFollowedBy: []string{"later"}}}}
	direct := Rule{ID: "direct", Category: "other", Severity: "low",
		Patterns: []Pattern{{Phrase: "the buy now", Fuzzy: &no, Slop: &zero}}}
	for _, rules := range [][]Rule{{guarded, direct}, {direct, guarded}} {
		e, err := Compile(&Lexicon{Format: 1, Name: "handover", Rules: rules}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		sc := e.scratch.Get().(*scratch)
		_, ok := e.literalASCII(nil, "so the buy now today", sc)
		e.scratch.Put(sc)
		if ok {
			t.Fatalf("rules %s first: the literal path answered a text with an indirect candidate", rules[0].ID)
		}
		var ids []string
		for _, h := range e.MatchText("so the buy now today") {
			ids = append(ids, h.RuleID)
		}
		if fmt.Sprint(ids) != "[direct guarded]" {
			t.Fatalf("rules %s first: hits %v, want [direct guarded]", rules[0].ID, ids)
		}
	}
}
