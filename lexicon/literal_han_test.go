package lexicon

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// literalHanPool is what the literal Han path's tests build lexicons and
// texts from: characters of the built-in guards (最近, 小黄车, 第一次),
// traditional ones OpenCC converts (價, 帳, 醫療), fillers, numerals alone
// and together, punctuation, and now and then a digit or Latin (which
// send a text down the general path).
var (
	literalHanPool   = []rune("加我微信这个最好的近后小黄车店橱窗第次天买价帳號醫療效果治病嗯啊，。！、 ")
	literalHanNumber = []rune("一二八十两三百万幺〇")
	literalHanOther  = []string{"8", "V信", "ok"}
)

func literalHanText(rng *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		switch k := rng.IntN(100); {
		case k == 0:
			b.WriteString(literalHanOther[rng.IntN(len(literalHanOther))])
		case k < 4:
			b.WriteRune(literalHanNumber[rng.IntN(len(literalHanNumber))])
		default:
			b.WriteRune(literalHanPool[rng.IntN(len(literalHanPool))])
		}
	}
	return b.String()
}

// literalHanLexicon is a random literal lexicon of Chinese phrases: rules
// of one to three patterns, categories with built-in guards, guards of
// their own, some exceptions, allowed phrases and languages.
func literalHanLexicon(rng *rand.Rand, n int) *Lexicon {
	phrase := func() string {
		for {
			if p := strings.Trim(literalHanText(rng, 1+rng.IntN(4)), "，。！、 嗯啊"); p != "" {
				return p
			}
		}
	}
	no, zero := false, 0
	lx := &Lexicon{Format: 1, Name: "literal-han"}
	cats := []string{"other", "private-goods", "absolute-claim", "medical-claim"}
	for i := range n {
		r := Rule{ID: fmt.Sprintf("r%02d", rng.IntN(n*2)) + fmt.Sprint(i), Category: cats[rng.IntN(len(cats))],
			Severity: "low", Reminder: "r"}
		for range 1 + rng.IntN(3) {
			p := Pattern{Phrase: phrase(), Fuzzy: &no, Slop: &zero}
			switch rng.IntN(12) {
			case 0:
				p.Phrase = "最"
			case 1:
				p.NotFollowedBy = []string{phrase()}
			case 2:
				p.NotPrecededBy = []string{phrase()}
			case 3:
				p.NotInside = []string{phrase()}
			}
			r.Patterns = append(r.Patterns, p)
		}
		switch rng.IntN(80) {
		case 0:
			r.Exceptions = []Exception{{Phrase: phrase()}}
		case 1:
			r.Allow = []string{phrase()}
		case 2:
			r.Languages = []string{"en"}
		case 3:
			r.Languages = []string{"zh"}
		}
		lx.Rules = append(lx.Rules, r)
	}
	return lx
}

// TestLiteralHanEqualsGeneral is the differential test of the literal Han
// path (literal_han.go): over random literal lexicons and Chinese texts,
// every text it answers gets exactly the hits of the general path, field
// by field. It must answer a quarter of them (the lexicons are made to
// hand many over) with a hit each on average, some guarded.
func TestLiteralHanEqualsGeneral(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	var d literalDiff
	for round := range 40 {
		e, gen := literalPair(t, literalHanLexicon(rng, 5+round*4))
		for range 60 {
			d.check(t, e, gen, literalHanText(rng, 5+rng.IntN(40)), e.literalHan)
		}
	}
	if d.answered < d.texts/4 || d.hits < d.answered || d.guarded == 0 {
		t.Fatalf("the literal Han path answered %d of %d texts with %d hits, %d guarded occurrences: the test exercises too little",
			d.answered, d.texts, d.hits, d.guarded)
	}
}

// FuzzLiteralHan is TestLiteralHanEqualsGeneral over fuzzed texts.
func FuzzLiteralHan(f *testing.F) {
	rng := rand.New(rand.NewPCG(13, 14))
	e, gen := literalPair(f, literalHanLexicon(rng, 120))
	for range 20 {
		f.Add(literalHanText(rng, 30))
	}
	f.Add("最近最好的小黄车，第一次 三十五 两个")
	f.Fuzz(func(t *testing.T, text string) { literalSame(t, e, gen, text) })
}
