package lexicon

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/earshot/earshot/analysis"
	"github.com/earshot/earshot/analysis/pinyin"
)

// TestPlainAtEqualsBacktracking: for plain patterns (literal, no slop) the
// token-by-token comparison finds exactly the occurrences, spans, via and
// score of the backtracking verifier, on random phrases and texts of
// Chinese characters, English words, digits and number words, in Chinese
// and English segments.
func TestPlainAtEqualsBacktracking(t *testing.T) {
	py := pinyin.Default()
	pool := []string{"加", "微", "信", "威", "我", "buy", "now", "cure", "cures", "v", "qq",
		"weixin", "vx", "3", "12", "twelve", "三", "十二", "wechat", "we", "chat", "1,000"}
	rng := rand.New(rand.NewPCG(5, 6))
	pick := func(n int, sep string) string {
		var b strings.Builder
		for i := range n {
			if i > 0 && rng.IntN(2) == 0 {
				b.WriteString(sep)
			}
			b.WriteString(pool[rng.IntN(len(pool))])
		}
		return b.String()
	}
	var tz analysis.Tokenizer
	checked := 0
	for trial := range 3000 {
		phrase := pick(1+rng.IntN(3), " ")
		zh := analysis.HasHan(phrase)
		no, zero := false, 0
		e := &Engine{py: py}
		p := e.compilePattern(Pattern{Phrase: phrase, Fuzzy: &no, Slop: &zero}, "", false)
		if p == nil || !p.plain {
			continue
		}
		var text string
		if rng.IntN(3) == 0 {
			text = phrase + " " + pick(4, " ")
		} else {
			text = pick(6+rng.IntN(6), " ")
		}
		toks := tz.Tokenize(text)
		slow := *p
		slow.plain = false
		for _, han := range []bool{zh, !zh} {
			fast := verifier{p: p, toks: toks, py: py, han: han}
			ref := verifier{p: &slow, toks: toks, py: py, han: han}
			for k := -1; k <= len(toks); k++ {
				got, gok := fast.at(k)
				want, wok := ref.at(max(k, 0))
				if k < 0 {
					want, wok = span{}, false
				}
				if gok != wok || gok && got != want {
					t.Fatalf("trial %d %q in %q at %d (han %v): plain %v %+v, backtracking %v %+v",
						trial, phrase, text, k, han, gok, got, wok, want)
				}
				checked += b2i(gok)
			}
		}
	}
	if checked < 200 {
		t.Fatalf("only %d occurrences compared: the test proves little", checked)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
