package lexicon

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/earshot/earshot/analysis"
)

// TestLiteralHitsMatchReference is the differential test of candidate
// generation (tokenizer, key tables, automaton): with literal rules
// (fuzzy: false, slop: 0) the engine's hits, one per rule at its first
// occurrence, are exactly those of a brute-force reference that compares
// every pattern at every token position the way plainAt defines a literal
// match. A pattern the automaton fails to select, or a range of start
// positions it narrows too far, shows as a missing or a later hit. Texts
// are the regression sentences and random ones (Chinese, English, mixed
// case and width, digits and number words, fillers, punctuation); phrases
// are token runs cut from the texts, so most rules have hits.
func TestLiteralHitsMatchReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 34))
	texts := regressionTexts(t)
	pool := strings.Fields("加 我 微 信 威 这 个 最 好 的 一 二 八 十 两 三 百 嗯 價 帳 號 ＶＸ V信 " +
		"buy now Buy NOW cure cures the a price deal um uh eight 8 twenty one oh five double " +
		"don't it's wechat we chat 3 12 1,000 ok add me , 。 ！ ? -")
	for range 400 {
		var b strings.Builder
		for i := range 4 + rng.IntN(20) {
			if i > 0 && rng.IntN(3) > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(pool[rng.IntN(len(pool))])
		}
		texts = append(texts, b.String())
	}
	checked, hits := 0, 0
	for round := range 12 {
		e := literalEngine(t, cutLiteralRules(rng, texts, 40+round*40, 4))
		for _, text := range texts {
			want := referenceLiteral(e, text)
			got := map[string]string{}
			for _, h := range e.MatchText(text) {
				got[h.RuleID] = h.MatchedText
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("round %d, %q:\n engine    %v\n reference %v", round, text, got, want)
			}
			checked++
			hits += len(want)
		}
	}
	if hits < checked/2 {
		t.Fatalf("only %d hits over %d texts: the test exercises too little", hits, checked)
	}
}

// literalEngine compiles lx without the rules that have guards (built-in
// ones, by phrase: 最 is not 最近): the guard tests cover those.
func literalEngine(t testing.TB, lx *Lexicon) *Engine {
	e, err := Compile(lx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var keep []Rule
	for _, p := range e.patterns {
		if g := p.guards; len(g.followed)+len(g.preceded)+len(g.inside) == 0 {
			keep = append(keep, *p.rule.rule)
		}
	}
	lx.Rules = keep
	if e, err = Compile(lx, Options{}); err != nil {
		t.Fatal(err)
	}
	return e
}

// referenceLiteral matches every literal pattern of e at every token
// position of text: rule id -> the first occurrence's matched text.
func referenceLiteral(e *Engine, text string) map[string]string {
	toks := analysis.Tokenize(text)
	out := map[string]string{}
	for _, p := range e.patterns {
		for k := 0; k+len(p.elems) <= len(toks); k++ {
			if literalAt(p.elems, toks[k:]) {
				out[p.rule.rule.ID] = text[toks[k].Start:toks[k+len(p.elems)-1].End]
				break
			}
		}
	}
	return out
}

// literalAt: each element is the same character, the same word or number,
// or the same digit reading (eight = 8), token by token.
//
// A compound numeral of a phrase (十, ten, hundred) matches only itself:
// the automaton selects by digit reading only an element that has one as
// a key (a digit, or written digits), so 十 in a phrase does not find
// "ten", although plainAt alone would accept the pair. That gap predates
// this test; it is documented here, not changed.
func literalAt(els []elem, toks []analysis.Token) bool {
	for i := range els {
		a, t := &els[i].tok, &toks[i]
		digitKey := a.Digits != "" && (!a.Compound || a.Kind == analysis.Number)
		switch {
		case a.Kind == analysis.Han && t.Kind == analysis.Han && a.Han == t.Han:
		case a.Kind != analysis.Han && a.Kind == t.Kind && a.Text == t.Text:
		case digitKey && a.Digits == t.Digits && a.Compound == t.Compound:
		default:
			return false
		}
	}
	return true
}

// FuzzLiteral is TestLiteralHitsMatchReference over fuzzed texts, against
// literal rules cut from the seed corpus: any text the tokenizer, the key
// tables or the automaton treat inconsistently shows as a difference from
// the reference.
func FuzzLiteral(f *testing.F) {
	seeds := []string{"加我威信 V信 ＶＸ", "buy now BUY NOW don't", "三十五万一千零八 八八 eight 8", "twenty one hundred oh five",
		"um the price uh deal", "價格 帳號 账号", "最好的 最 好", "\xff\xfe加 ﬁ ① ㎏"}
	lx := &Lexicon{Format: 1, Name: "fuzz"}
	no, zero := false, 0
	for _, s := range seeds {
		toks := analysis.Tokenize(s)
		for k := range toks {
			for n := 1; n <= 3 && k+n <= len(toks); n++ {
				words := make([]string, n)
				for j := range words {
					words[j] = s[toks[k+j].Start:toks[k+j].End]
				}
				lx.Rules = append(lx.Rules, Rule{ID: fmt.Sprintf("r%d", len(lx.Rules)), Category: "other",
					Severity: "low", Patterns: []Pattern{{Phrase: strings.Join(words, " "), Fuzzy: &no, Slop: &zero}}})
			}
		}
		f.Add(s)
	}
	e := literalEngine(f, lx)
	f.Fuzz(func(t *testing.T, text string) {
		want := referenceLiteral(e, text)
		got := map[string]string{}
		for _, h := range e.MatchText(text) {
			got[h.RuleID] = h.MatchedText
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%q:\n engine    %v\n reference %v", text, got, want)
		}
	})
}

// TestSkipReadingsSameHits: a lexicon that never matches by sound
// tokenizes without pinyin (readingsUnused); over the literal lexicons of
// TestLiteralHitsMatchReference and the regression sentences its hits are
// those of the same engine tokenizing with pinyin. A fuzzy exception
// needs the readings.
func TestSkipReadingsSameHits(t *testing.T) {
	rng := rand.New(rand.NewPCG(56, 78))
	texts := regressionTexts(t)
	lx := cutLiteralRules(rng, texts, 400, 3)
	yes := true
	skip, err := Compile(lx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	with, err := Compile(lx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !skip.noReadings {
		t.Fatal("a literal lexicon tokenizes with pinyin")
	}
	with.noReadings = false // before its first match makes a scratch
	hits := 0
	for _, text := range texts {
		got, want := skip.MatchText(text), with.MatchText(text)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%q:\n without pinyin %v\n with pinyin    %v", text, got, want)
		}
		hits += len(got)
	}
	if hits < len(texts)/2 {
		t.Fatalf("only %d hits over %d texts", hits, len(texts))
	}
	lx.Rules[0].Exceptions = []Exception{{Phrase: "加微信", Fuzzy: &yes}}
	if e, err := Compile(lx, Options{}); err != nil || e.noReadings {
		t.Fatalf("a fuzzy exception: noReadings %v (%v)", e != nil && e.noReadings, err)
	}
}

// cutLiteralRules makes n literal rules (fuzzy: false, slop: 0), each a run
// of up to max tokens cut from one of texts, so most rules have hits.
func cutLiteralRules(rng *rand.Rand, texts []string, n, max int) *Lexicon {
	var tz analysis.Tokenizer
	lx := &Lexicon{Format: 1, Name: "literal"}
	no, zero := false, 0
	for i := range n {
		text := texts[rng.IntN(len(texts))]
		toks := tz.Tokenize(text)
		if len(toks) == 0 {
			continue
		}
		k := rng.IntN(len(toks))
		words := make([]string, min(1+rng.IntN(max), len(toks)-k))
		for j := range words {
			words[j] = text[toks[k+j].Start:toks[k+j].End]
		}
		lx.Rules = append(lx.Rules, Rule{ID: fmt.Sprintf("r%d", i), Category: "other", Severity: "low",
			Patterns: []Pattern{{Phrase: strings.Join(words, " "), Fuzzy: &no, Slop: &zero}}})
	}
	return lx
}
