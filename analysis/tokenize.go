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
	// Compound marks a part of a compound number (三十五, twenty one),
	// which is never part of a digit string (千万不要 is not 8 digits).
	// (Next to Kind: a Token is 96 bytes, not 104.)
	Compound bool
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
	// SkipStems leaves Token.Stem empty: stemming is the costliest part of
	// tokenizing English, and a matcher that needs the stems of only a few
	// words calls Stem for those.
	SkipStems bool
	// SkipReadings leaves Token.Syllables empty: a matcher that compares
	// characters and words only (no sound-alikes, no letters read as
	// syllables) saves a table lookup per character.
	SkipReadings bool

	runes []Rune
	toks  []Token
	info  []wordInfo
	ascii ASCIIScanner
}

// Tokenize is the package's Tokenize reusing z's buffers. Token texts are
// substrings of s when normalization left them unchanged, so most tokens
// cost no allocation.
func (z *Tokenizer) Tokenize(s string) []Token {
	if isASCII(s) {
		return z.tokenizeASCII(s)
	}
	rs := NormalizeRunes(s, z.runes[:0])
	py := pinyin.Default()
	toks, info := z.toks[:0], z.info[:0]
	num := false // some token is a numeral or number word (markNumbers)
	for i := 0; i < len(rs); {
		r := rs[i].R
		switch {
		case isHan(r):
			if !isFillerRune(r) {
				toks = append(toks, Token{})
				wi := fillHan(&toks[len(toks)-1], s, rs[i], py, !z.SkipReadings)
				info = append(info, wi)
				num = num || wi.numeral
			}
			i++
		case r >= '0' && r <= '9':
			j := i
			for j < len(rs) && rs[j].R >= '0' && rs[j].R <= '9' {
				j++
			}
			toks = append(toks, runToken(s, Number, rs[i:j]))
			info = append(info, wordInfo{})
			i = j
		case ('a' <= r && r <= 'z') || (r >= utf8.RuneSelf && unicode.IsLetter(r)):
			j := wordEnd(rs, i)
			t := runToken(s, Word, rs[i:j])
			wi := lookupWord(t.Text)
			if t.Text != "" && !wi.filler {
				toks = append(toks, t)
				fillWord(&toks[len(toks)-1], wi, py, !z.SkipStems, !z.SkipReadings)
				info = append(info, wi)
				num = num || wi.numberWord()
			}
			i = j
		default:
			i++
		}
	}
	if num {
		markNumbers(toks, info)
	}
	z.runes, z.toks, z.info = rs, toks, info
	return toks
}

func isASCII(s string) bool { return firstNonASCII(s) == len(s) }

// firstNonASCII returns the index of s's first byte >= 0x80, or len(s),
// eight bytes at a time.
func firstNonASCII(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8]
		if (uint64(w[0])|uint64(w[1])<<8|uint64(w[2])<<16|uint64(w[3])<<24|
			uint64(w[4])<<32|uint64(w[5])<<40|uint64(w[6])<<48|uint64(w[7])<<56)&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return i
		}
	}
	return i
}

// tokenizeASCII is Tokenize for ASCII text, straight from the bytes
// (ASCIIScanner): NFKC, width and OpenCC leave ASCII alone, so
// normalizing is lower casing. It gives exactly the tokens of the general
// path (TestTokenizeASCIIPath).
func (z *Tokenizer) tokenizeASCII(s string) []Token {
	py := pinyin.Default()
	toks, info := z.toks[:0], z.info[:0]
	num := false
	z.ascii.Reset(s)
	for z.ascii.Next() {
		a := z.ascii.Token()
		if a.Kind == Number {
			toks = append(toks, Token{Kind: Number, Text: a.Text, Digits: a.Text, Start: int(a.Start), End: int(a.End)})
			info = append(info, wordInfo{})
			continue
		}
		wi := lookupWord(a.Text)
		if wi.filler {
			continue
		}
		w := a.Text
		if a.Rewritten {
			w = strings.Clone(w) // the scanner's buffer is reused
		}
		toks = append(toks, Token{})
		t := &toks[len(toks)-1]
		t.Kind, t.Text, t.Start, t.End = Word, w, int(a.Start), int(a.End)
		fillWord(t, wi, py, !z.SkipStems, !z.SkipReadings)
		info = append(info, wi)
		num = num || wi.numberWord()
	}
	if num {
		markNumbers(toks, info)
	}
	z.toks, z.info = toks, info
	return toks
}

func asciiLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

// isHan reports a Han character (or 〇), CJK Unified Ideographs first.
func isHan(r rune) bool {
	if 0x4e00 <= r && r <= 0x9fff {
		return true
	}
	return r >= 0x2e80 && (unicode.Is(unicode.Han, r) || r == '〇')
}

// Stem returns the Porter stem of a normalized word (Token.Stem).
func Stem(word string) string { return porterstemmer.StemString(word) }

// sameAsSource reports whether the normalized runes rs spell exactly the
// source bytes they came from, so the token text can be a substring.
func sameAsSource(s string, rs []Rune) bool {
	at := rs[0].Start
	for _, r := range rs {
		if r.R < utf8.RuneSelf {
			if r.Start != at || r.End != at+1 || s[at] != byte(r.R) {
				return false
			}
			at++
			continue
		}
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
		if 'a' <= r && r <= 'z' {
			j++
			continue
		}
		isWordRune := r >= utf8.RuneSelf && unicode.IsLetter(r) && !isHan(r)
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
		if r.R == '\'' || r.R == '’' {
			apostrophe = true
			break
		}
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

// fillHan makes *t, a zero Token, the token of Han rune r in place (see
// fillWord), and returns what markNumbers needs to know about it.
func fillHan(t *Token, s string, r Rune, py *pinyin.Table, readings bool) wordInfo {
	t.Kind, t.Han, t.Start, t.End = Han, r.R, r.Start, r.End
	if readings {
		t.Syllables = py.Syllables(r.R)
	}
	if sameRune(s, r) {
		t.Text = s[r.Start:r.End]
	} else {
		t.Text = string(r.R)
	}
	d := hanDigit(r.R)
	if d != 0 {
		t.Digits = digitStrings[d-'0']
	}
	return wordInfo{numeral: d != 0 || r.R == '两' || hanUnit(r.R) > 0}
}

// sameRune is sameAsSource for one rune: the source bytes are r's UTF-8
// encoding (the three-byte case, all of CJK, compared inline).
func sameRune(s string, r Rune) bool {
	if r.End-r.Start == 3 && 0x800 <= r.R && r.R <= 0xffff {
		return s[r.Start] == byte(0xe0|r.R>>12) && s[r.Start+1] == byte(0x80|(r.R>>6)&0x3f) &&
			s[r.Start+2] == byte(0x80|r.R&0x3f)
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r.R)
	return r.End-r.Start == n && s[r.Start:r.End] == string(buf[:n])
}

// fillWord completes a Word token in place (a Token is over 100 bytes:
// the ASCII fast path spent a fifth of its time copying them).
func fillWord(t *Token, wi wordInfo, py *pinyin.Table, stem, readings bool) {
	if stem {
		t.Stem = Stem(t.Text)
	}
	if readings && len(t.Text) == 1 {
		t.Syllables = py.Letter(t.Text[0])
	}
	if wi.digit != 0 && t.Text != "oh" {
		t.Digits = digitStrings[wi.digit-'0']
	}
}

// digitStrings are the one-digit strings, so reading a digit allocates
// nothing.
var digitStrings = [10]string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
