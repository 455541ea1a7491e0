package analysis

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// Rune is one normalized rune with the byte span [Start, End) of the
// source rune it came from, so matches on normalized text can quote and
// time the original words. One source rune may yield several Runes (NFKC
// expands ㎏ to kg); they share its span.
type Rune struct {
	R          rune
	Start, End int
}

// NormalizeRunes appends to out the normalized runes of s: NFKC, width
// folding (full-width Ｖ信 is V信), lower case and traditional to
// simplified (Simplified), each keeping its source span. Invalid UTF-8
// becomes a space. Pass a reused out[:0] to avoid allocating.
func NormalizeRunes(s string, out []Rune) []Rune {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r < utf8.RuneSelf {
			out = append(out, Rune{unicode.ToLower(r), i, i + n})
			i += n
			continue
		}
		if r == utf8.RuneError && n <= 1 {
			out = append(out, Rune{' ', i, i + n})
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
			out = append(out, Rune{Simplified(unicode.ToLower(c)), i, i + n})
		}
		i += n
	}
	return out
}

// Normalize returns s normalized as NormalizeRunes does, as a string.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range NormalizeRunes(s, make([]Rune, 0, len(s))) {
		b.WriteRune(r.R)
	}
	return b.String()
}

// Simplified returns the simplified form of a traditional character from
// the table in tables.go (commerce, medical and advertising speech), or r
// itself.
func Simplified(r rune) rune {
	if sc, ok := t2s[r]; ok {
		return sc
	}
	return r
}

// IsFiller reports a hesitation sound ASR emits between words (嗯, um,
// uh): the tokenizer drops them so they never break a phrase or a digit
// run. w must be normalized.
func IsFiller(w string) bool { return fillers[w] }

// isFillerRune is IsFiller(string(r)) without building the string.
func isFillerRune(r rune) bool {
	var b [utf8.UTFMax]byte
	n := utf8.EncodeRune(b[:], r)
	return fillers[string(b[:n])]
}

// HasHan reports whether s holds a Han character.
func HasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
