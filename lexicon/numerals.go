package lexicon

import (
	"strconv"
	"strings"

	"github.com/earshot/earshot/analysis"
)

// A number inside a phrase is said either way: a rule written 十八岁 must
// catch 满18岁 and one written 18岁 must catch 满十八岁, "thirty days"
// must catch "30 days". Single digits already match across styles (第一 is
// 第1, one is 1: one token each); a compound numeral is several tokens
// (十 八) where the digits are one (18), so the engine compiles the other
// spelling as a variant of the pattern, reporting the phrase as written.
// A number is atomic for slop: in a phrase that names one, a gap skips no
// number token (verifier.elem, numberTok), as thirty [one] days is 31 days.

// maxNumeralVariant bounds the numbers read back into Chinese numerals:
// quantities, ages, days and prices in phrases, not ids.
const maxNumeralVariant = 99999

// numeralVariants returns the phrase with its compound numerals written
// as digits and, for a Chinese phrase, its digit strings of two or more
// digits written as Chinese numerals; nil when it has neither.
func numeralVariants(phrase string, zh bool) []string {
	toks := analysis.Tokenize(phrase)
	var digits, han strings.Builder
	changed := [2]bool{}
	at := 0
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.Compound && t.Digits != "":
			j := i + 1
			for j < len(toks) && toks[j].Compound && toks[j].Digits == "" {
				j++
			}
			if (t.Kind == analysis.Han && j-i < 2) || strings.HasPrefix(phrase[toks[j-1].End:], "*") {
				// A lone 百, 千 or 万 is an idiom (百病, 万能, 十全十美),
				// not a number; a wildcard is a word's.
				i = j - 1
				continue
			}
			digits.WriteString(phrase[at:t.Start])
			digits.WriteString(t.Digits)
			han.WriteString(phrase[at:toks[j-1].End])
			at, i = toks[j-1].End, j-1
			changed[0] = true
		case zh && t.Kind == analysis.Number && len(t.Text) >= 2 && t.Text[0] != '0':
			n, err := strconv.Atoi(t.Text)
			if err != nil || n > maxNumeralVariant {
				continue
			}
			digits.WriteString(phrase[at:t.End])
			han.WriteString(phrase[at:t.Start])
			han.WriteString(chineseNumeral(n))
			at = t.End
			changed[1] = true
		}
	}
	var out []string
	if changed[0] {
		out = append(out, digits.String()+phrase[at:])
	}
	if changed[1] {
		// A phrase with both kinds gets the digits variant above too;
		// this one writes every number in Chinese.
		out = append(out, han.String()+phrase[at:])
	}
	return out
}

// chineseNumeral writes 1 <= n <= 99999 as it is said: 18 十八, 20 二十,
// 105 一百零五, 3000 三千, 12000 一万二千.
func chineseNumeral(n int) string {
	const digit = "零一二三四五六七八九"
	d := []rune(digit)
	units := []struct {
		v int
		c rune
	}{{10000, '万'}, {1000, '千'}, {100, '百'}, {10, '十'}}
	var b strings.Builder
	zero := false
	for _, u := range units {
		q := n / u.v
		n %= u.v
		switch {
		case q > 0:
			if zero {
				b.WriteRune('零')
				zero = false
			}
			if !(u.v == 10 && q == 1 && b.Len() == 0) { // 十八, not 一十八
				b.WriteRune(d[q])
			}
			b.WriteRune(u.c)
		case b.Len() > 0:
			zero = true
		}
	}
	if n > 0 {
		if zero {
			b.WriteRune('零')
		}
		b.WriteRune(d[n])
	}
	return b.String()
}

// srcPattern is a pattern to compile and the phrase its hits report.
type srcPattern struct {
	Pattern
	src string
}

// withNumeralVariants lists the rule's patterns, each followed by its
// numeral variants (numeralVariants), which report the pattern as written.
func (r *Rule) withNumeralVariants() []srcPattern {
	out := make([]srcPattern, 0, len(r.Patterns))
	zh := len(r.Languages) == 1 && r.Languages[0] == "zh"
	for _, p := range r.Patterns {
		out = append(out, srcPattern{p, p.String()})
		if p.Phrase == "" || p.Digits > 0 || p.Contact != "" {
			continue
		}
		for _, v := range numeralVariants(p.Phrase, zh || analysis.HasHan(p.Phrase)) {
			q := p
			q.Phrase = v
			out = append(out, srcPattern{q, p.String()})
		}
	}
	return out
}
