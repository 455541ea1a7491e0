package analysis

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/go-porterstemmer"

	"github.com/earshot/earshot/analysis/pinyin"
)

// Kind says what a Token holds.
type Kind uint8

// The kinds of token.
const (
	Han    Kind = iota + 1 // one Han character
	Word                   // a run of letters (Latin, Cyrillic, ...)
	Number                 // a run of ASCII digits
)

// Token is one normalized unit of text with its byte span in the original
// string, so hits can quote the original words and find their timestamps.
type Token struct {
	Kind Kind
	// Han is the character of a Han token.
	Han rune
	// Text is the normalized text: the character, the word (apostrophes
	// dropped: don't is dont) or the digits. It is a substring of the
	// source when normalization left it unchanged.
	Text string
	// Stem is the Porter stem of a Word.
	Stem string
	// Digits is what the token is read as when it is numeric: 8 for 八,
	// eight or 8; 35 on the first token of 三十五. "oh" and 两 are digits
	// only next to other digits; "double" and "triple" carry the extra
	// copies of the next digit.
	Digits string
	// Compound marks a part of a compound number (三十五, twenty one),
	// which is never part of a digit string (千万不要 is not 8 digits).
	Compound bool
	// Start and End are the byte span in the source text.
	Start, End int
	// Syllables are the toneless readings of a Han character, or the
	// letter names of a one-letter Word (v: wei), ids in pinyin.Default().
	Syllables []pinyin.Syllable
}

// IsDigit reports whether t is part of a digit string (a phone number read
// digit by digit): it has a digit reading and is not part of a compound
// number.
func (t *Token) IsDigit() bool { return t.Digits != "" && !t.Compound }

// Tokenize normalizes s (NormalizeRunes) and splits it into tokens: one per
// Han character, letter run or digit run, dropping fillers and
// punctuation, with numerals and number words read as digits.
func Tokenize(s string) []Token {
	var z Tokenizer
	return z.Tokenize(s)
}

// Tokenizer is Tokenize with buffers reused across calls, for hot paths.
// The tokens it returns are valid until its next call. The zero value is
// ready to use; a Tokenizer must not be used by two goroutines at once.
type Tokenizer struct {
	runes []Rune
	toks  []Token
}

// Tokenize is the package's Tokenize reusing z's buffers. Token texts are
// substrings of s when normalization left them unchanged, so most tokens
// cost no allocation.
func (z *Tokenizer) Tokenize(s string) []Token {
	rs := NormalizeRunes(s, z.runes[:0])
	py := pinyin.Default()
	toks := z.toks[:0]
	for i := 0; i < len(rs); {
		r := rs[i].R
		switch {
		case unicode.Is(unicode.Han, r) || r == '〇':
			if !isFillerRune(r) {
				toks = append(toks, hanToken(s, rs[i], py))
			}
			i++
		case r >= '0' && r <= '9':
			j := i
			for j < len(rs) && rs[j].R >= '0' && rs[j].R <= '9' {
				j++
			}
			toks = append(toks, runToken(s, Number, rs[i:j]))
			i = j
		case unicode.IsLetter(r):
			j := wordEnd(rs, i)
			t := runToken(s, Word, rs[i:j])
			if t.Text != "" && !fillers[t.Text] {
				toks = append(toks, wordToken(t, py))
			}
			i = j
		default:
			i++
		}
	}
	markNumbers(toks)
	z.runes, z.toks = rs, toks
	return toks
}

// sameAsSource reports whether the normalized runes rs spell exactly the
// source bytes they came from, so the token text can be a substring.
func sameAsSource(s string, rs []Rune) bool {
	at := rs[0].Start
	for _, r := range rs {
		if r.Start != at || r.End-r.Start != utf8.RuneLen(r.R) {
			return false
		}
		if c, _ := utf8.DecodeRuneInString(s[r.Start:]); c != r.R {
			return false
		}
		at = r.End
	}
	return true
}

// wordEnd returns the end of the letter run at i; an apostrophe between
// letters stays inside the word (don't, anyone's).
func wordEnd(rs []Rune, i int) int {
	j := i
	for j < len(rs) {
		r := rs[j].R
		isWordRune := unicode.IsLetter(r) && !unicode.Is(unicode.Han, r)
		if !isWordRune && (r == '\'' || r == '’') && j+1 < len(rs) && unicode.IsLetter(rs[j+1].R) && j > i {
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

func runToken(s string, k Kind, rs []Rune) Token {
	t := Token{Kind: k, Start: rs[0].Start, End: rs[len(rs)-1].End}
	apostrophe := false
	for _, r := range rs {
		apostrophe = apostrophe || r.R == '\'' || r.R == '’'
	}
	if !apostrophe && sameAsSource(s, rs) {
		t.Text = s[t.Start:t.End]
	} else {
		var b strings.Builder
		for _, r := range rs {
			if r.R != '\'' && r.R != '’' {
				b.WriteRune(r.R)
			}
		}
		t.Text = b.String()
	}
	if k == Number {
		t.Digits = t.Text
	}
	return t
}

func hanToken(s string, r Rune, py *pinyin.Table) Token {
	t := Token{Kind: Han, Han: r.R, Start: r.Start, End: r.End, Syllables: py.Syllables(r.R)}
	if sameAsSource(s, []Rune{r}) {
		t.Text = s[r.Start:r.End]
	} else {
		t.Text = string(r.R)
	}
	if d, ok := hanDigits[r.R]; ok {
		t.Digits = string(d)
	}
	return t
}

func wordToken(t Token, py *pinyin.Table) Token {
	t.Stem = porterstemmer.StemString(t.Text)
	if len(t.Text) == 1 {
		t.Syllables = py.Letter(t.Text[0])
	}
	if d, ok := enDigits[t.Text]; ok && t.Text != "oh" {
		t.Digits = string(d)
	}
	return t
}
