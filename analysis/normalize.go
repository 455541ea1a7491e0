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
// simplified (OpenCC, see opencc.go), each keeping its source span. Invalid UTF-8
// becomes a space. Pass a reused out[:0] to avoid allocating.
func NormalizeRunes(s string, out []Rune) []Rune {
	start, cjk := len(out), false
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			out = append(out, Rune{rune(c), i, i + 1})
			i++
			continue
		}
		if c := s[i]; c&0xf0 == 0xe0 && i+2 < len(s) && s[i+1]&0xc0 == 0x80 && s[i+2]&0xc0 == 0x80 {
			// A three-byte sequence decoded inline (utf8's is a call per
			// rune): in the CJK range it is never overlong nor a surrogate.
			if r := rune(c&0x0f)<<12 | rune(s[i+1]&0x3f)<<6 | rune(s[i+2]&0x3f); 0x3400 <= r && r <= 0x9fff {
				out = append(out, Rune{r, i, i + 3})
				cjk = true
				i += 3
				continue
			}
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if 0x3400 <= r && r <= 0x9fff {
			// CJK ideographs: NFKC, width and case leave them alone.
			out = append(out, Rune{r, i, i + n})
			cjk = true
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
		var buf [utf8.UTFMax]byte
		src := buf[:utf8.EncodeRune(buf[:], r)]
		if !norm.NFKC.IsNormal(src) {
			src = norm.NFKC.Bytes(src)
		}
		for _, c := range string(src) {
			c = unicode.ToLower(c)
			cjk = cjk || c >= bmpBase
			out = append(out, Rune{c, i, i + n})
		}
		i += n
	}
	if cjk {
		// Chinese text almost always has some rune that converts or
		// starts a phrase: a check per rune while decoding did not pay.
		t2sConverter().convert(out[start:])
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

// Simplified returns the simplified form of a traditional or variant
// character out of context (OpenCC's character tables with the commerce
// overlay, see opencc.go), or r itself. NormalizeRunes also converts
// OpenCC's phrases (反覆 → 反复).
func Simplified(r rune) rune { return t2sConverter().rune(r) }

// IsFiller reports a hesitation sound ASR emits between words (嗯, um,
// uh): the tokenizer drops them so they never break a phrase or a digit
// run. w must be normalized.
func IsFiller(w string) bool { return fillers[w] }

// isFillerRune is IsFiller(string(r)) for a Han rune, without a lookup.
func isFillerRune(r rune) bool {
	switch r {
	case '嗯', '呃', '额', '啊', '哦', '唉', '诶', '哎':
		return true
	}
	return false
}

// HasHan reports whether s holds a Han character.
func HasHan(s string) bool {
	for i := firstNonASCII(s); i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if isHan(r) {
			return true
		}
		i += n
	}
	return false
}
