package lexicon

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/go-porterstemmer"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// maxPhraseTokens bounds a phrase so verification stays cheap.
const maxPhraseTokens = 24

type tokKind uint8

const (
	kindHan  tokKind = iota + 1 // one Han character
	kindWord                    // a run of letters
	kindNum                     // a run of ASCII digits
)

// token is one normalized unit of text with its byte span in the original
// string, so hits can quote the original words and find their timestamps.
type token struct {
	kind       tokKind
	han        rune   // kindHan
	text       string // normalized text (the character, word or digits)
	stem       string // kindWord: Porter stem
	digits     string // the digits this token is read as, if numeric
	compound   bool   // part of a compound number (三十五, twenty one)
	start, end int    // byte span in the original text
	syls       []syl  // kindHan: readings; single letters: letter readings
}

// nrune is one normalized rune with the byte span of its source rune.
type nrune struct {
	r          rune
	start, end int
}

// normalizeRunes applies NFKC, width folding, lower case and traditional to
// simplified per source rune, keeping each output rune's source span.
func normalizeRunes(s string, out []nrune) []nrune {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r < utf8.RuneSelf {
			out = append(out, nrune{unicode.ToLower(r), i, i + n})
			i += n
			continue
		}
		if r == utf8.RuneError && n <= 1 {
			out = append(out, nrune{' ', i, i + n})
			i += n
			continue
		}
		if f := width.LookupRune(r).Folded(); f != 0 {
			r = f
		}
		src := string(r)
		if !norm.NFKC.IsNormalString(src) {
			src = norm.NFKC.String(src)
		}
		for _, c := range src {
			c = unicode.ToLower(c)
			if sc, ok := t2s[c]; ok {
				c = sc
			}
			out = append(out, nrune{c, i, i + n})
		}
		i += n
	}
	return out
}

// tokenize normalizes s and splits it into tokens, dropping fillers.
func tokenize(s string) []token {
	_, toks := tokenizeInto(s, nil, nil)
	return toks
}

// tokenizeInto is tokenize reusing the rune and token buffers (the match
// hot path keeps them in its pooled scratch). Token texts are substrings of
// s when normalization left them unchanged, so most tokens cost no
// allocation.
func tokenizeInto(s string, rs []nrune, toks []token) ([]nrune, []token) {
	rs = normalizeRunes(s, rs[:0])
	py := pinyinData()
	toks = toks[:0]
	for i := 0; i < len(rs); {
		r := rs[i].r
		switch {
		case unicode.Is(unicode.Han, r) || r == '〇':
			if !isFillerRune(r) {
				toks = append(toks, hanToken(s, rs[i], py))
			}
			i++
		case r >= '0' && r <= '9':
			j := i
			for j < len(rs) && rs[j].r >= '0' && rs[j].r <= '9' {
				j++
			}
			toks = append(toks, runToken(s, kindNum, rs[i:j]))
			i = j
		case unicode.IsLetter(r):
			j := wordEnd(rs, i)
			t := runToken(s, kindWord, rs[i:j])
			if t.text != "" && !fillers[t.text] {
				toks = append(toks, wordToken(t, py))
			}
			i = j
		default:
			i++
		}
	}
	markNumbers(toks)
	return rs, toks
}

// isFillerRune is fillers[string(r)] without building the string.
func isFillerRune(r rune) bool {
	var b [utf8.UTFMax]byte
	n := utf8.EncodeRune(b[:], r)
	return fillers[string(b[:n])]
}

// sameAsSource reports whether the normalized runes rs spell exactly the
// source bytes they came from, so the token text can be a substring.
func sameAsSource(s string, rs []nrune) bool {
	at := rs[0].start
	for _, r := range rs {
		if r.start != at || r.end-r.start != utf8.RuneLen(r.r) {
			return false
		}
		if c, _ := utf8.DecodeRuneInString(s[r.start:]); c != r.r {
			return false
		}
		at = r.end
	}
	return true
}

// wordEnd returns the end of the letter run at i; an apostrophe between
// letters stays inside the word (don't, anyone's).
func wordEnd(rs []nrune, i int) int {
	j := i
	for j < len(rs) {
		r := rs[j].r
		isWordRune := unicode.IsLetter(r) && !unicode.Is(unicode.Han, r)
		if !isWordRune && (r == '\'' || r == '’') && j+1 < len(rs) && unicode.IsLetter(rs[j+1].r) && j > i {
			j++
			continue
		}
		if !isWordRune {
			break
		}
		j++
	}
	return j
}

func runToken(s string, k tokKind, rs []nrune) token {
	t := token{kind: k, start: rs[0].start, end: rs[len(rs)-1].end}
	apostrophe := false
	for _, r := range rs {
		apostrophe = apostrophe || r.r == '\'' || r.r == '’'
	}
	if !apostrophe && sameAsSource(s, rs) {
		t.text = s[t.start:t.end]
	} else {
		var b strings.Builder
		for _, r := range rs {
			if r.r != '\'' && r.r != '’' {
				b.WriteRune(r.r)
			}
		}
		t.text = b.String()
	}
	if k == kindNum {
		t.digits = t.text
	}
	return t
}

func hanToken(s string, r nrune, py *pinyinTable) token {
	t := token{kind: kindHan, han: r.r, start: r.start, end: r.end, syls: py.readings[r.r]}
	if sameAsSource(s, []nrune{r}) {
		t.text = s[r.start:r.end]
	} else {
		t.text = string(r.r)
	}
	if d, ok := hanDigits[r.r]; ok {
		t.digits = string(d)
	}
	return t
}

func wordToken(t token, py *pinyinTable) token {
	t.stem = porterstemmer.StemString(t.text)
	if len(t.text) == 1 {
		t.syls = py.letters[t.text[0]]
	}
	if d, ok := enDigits[t.text]; ok && t.text != "oh" {
		t.digits = string(d)
	}
	return t
}

// markNumbers resolves readings that depend on neighbours: "oh" and 两 are
// digits only next to other digits; runs with 十/百/千/万 or English tens are
// compound numbers whose value sits on their first token.
func markNumbers(toks []token) {
	for i := range toks {
		t := &toks[i]
		if (t.text == "oh" || t.han == '两') && (isDigitTok(toks, i-1) || isDigitTok(toks, i+1)) {
			t.digits = map[bool]string{true: "0", false: "2"}[t.text == "oh"]
		}
	}
	for i := 0; i < len(toks); {
		j := i
		for j < len(toks) && toks[j].kind == kindHan && (toks[j].digits != "" || hanUnits[toks[j].han] > 0 || toks[j].han == '两') {
			j++
		}
		if j > i {
			compoundHan(toks[i:j])
			i = j
			continue
		}
		if n, ok := enNumbers[toks[i].text]; ok {
			i = compoundEn(toks, i, n)
			continue
		}
		i++
	}
	markRepeats(toks)
}

// markRepeats reads "double zero" as 00 and "triple eight" as 888: the
// repeat word carries the extra copies, so the digit run stays contiguous.
// Only before a single digit ("double the price" stays a word).
func markRepeats(toks []token) {
	for i := 0; i+1 < len(toks); i++ {
		n := repeatWords[toks[i].text]
		next := &toks[i+1]
		if n == 0 || toks[i].kind != kindWord || len(next.digits) != 1 || next.compound {
			continue
		}
		toks[i].digits = strings.Repeat(next.digits, n-1)
	}
}

func isDigitTok(toks []token, i int) bool {
	return i >= 0 && i < len(toks) && toks[i].digits != "" && toks[i].text != "oh"
}

// compoundHan gives a run holding a positional numeral its value (两千 =
// 2000, 一百零八 = 108) and marks it compound so it never counts as a digit
// string (千万不要 is not an 8-digit number).
func compoundHan(run []token) {
	hasUnit := false
	for _, t := range run {
		hasUnit = hasUnit || hanUnits[t.han] > 0
	}
	if !hasUnit {
		return
	}
	total, section, num := 0, 0, 0
	for _, t := range run {
		if u := hanUnits[t.han]; u > 0 {
			if num == 0 {
				num = 1
			}
			if u == 10000 {
				total, section = (total+section+num)*u, 0
			} else {
				section += num * u
			}
			num = 0
		} else if t.han == '两' {
			num = 2
		} else {
			num = int(t.digits[0] - '0')
		}
		if total > 1e12 {
			break
		}
	}
	for k := range run {
		run[k].compound, run[k].digits = true, ""
	}
	run[0].digits = strconv.Itoa(total + section + num)
}

// compoundEn joins "twenty one" (21) and "three hundred" (300).
func compoundEn(toks []token, i, n int) int {
	toks[i].compound, toks[i].digits = true, strconv.Itoa(n)
	if n == 100 && i > 0 && toks[i-1].digits != "" && len(toks[i-1].digits) == 1 {
		toks[i-1].compound = true
		toks[i-1].digits = toks[i-1].digits + "00"
		toks[i].digits = ""
	}
	if n >= 20 && n%10 == 0 && n < 100 && i+1 < len(toks) {
		if d, ok := enDigits[toks[i+1].text]; ok && d != '0' {
			toks[i].digits = strconv.Itoa(n + int(d-'0'))
			toks[i+1].compound, toks[i+1].digits = true, ""
			return i + 2
		}
	}
	return i + 1
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
