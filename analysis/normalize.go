package analysis

import (
	"cmp"
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
	var la []lookAlikeAt // Greek, Cyrillic or Armenian letters drawn like Latin ones
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
		if isRegional(r) {
			if k := regionalRun(s[i:]); k >= 3 {
				// Regional indicator letters: two are a flag, a longer
				// run (🇼🇪🇨🇭🇦🇹) spells a word.
				for j := range k {
					out = append(out, Rune{'a' + (rune(s[i+4*j+3]) - 0xa6), i + 4*j, i + 4*j + 4})
				}
				i += 4 * k
				continue
			}
		}
		var c bool
		out, c = appendOther(out, start, r, i, i+n, &la)
		cjk = cjk || c
		i += n
	}
	if len(la) > 0 {
		foldLookAlikes(out, start, la)
	}
	if cjk {
		// Chinese text almost always has some rune that converts or
		// starts a phrase: a check per rune while decoding did not pay.
		t2sConverter().convert(out[start:])
	}
	return out
}

// appendOther appends the normalized runes of r, the source rune at
// [i, end) that is neither ASCII nor a CJK ideograph, and reports whether
// one is past the BMP's Latin, Greek and Cyrillic (traditional Chinese
// may follow). Kept out of NormalizeRunes so its loop stays small for the
// ASCII and Han text that is nearly all of it.
func appendOther(out []Rune, start int, r rune, i, end int, la *[]lookAlikeAt) ([]Rune, bool) {
	if invisible(r) {
		return out, false // never seen, so never a word break: cu\u200bre is cure
	}
	if d := dingbatDigits(r); d != "" {
		for _, c := range d {
			out = append(out, Rune{c, i, end})
		}
		return out, false
	}
	if r >= 0x249c && r <= 0x24b5 { // ⒜..⒵: NFKC writes (a), which splits a word
		return append(out, Rune{'a' + r - 0x249c, i, end}), false
	}
	if f := width.LookupRune(r).Folded(); f != 0 {
		r = f
	}
	var buf [utf8.UTFMax]byte
	src := buf[:utf8.EncodeRune(buf[:], r)]
	if !norm.NFKC.IsNormal(src) {
		src = norm.NFKC.Bytes(src)
	}
	cjk := false
	for _, c := range string(src) {
		if c < 0xc0 { // ASCII and Latin-1 punctuation, as full-width ，folds to
			out = append(out, Rune{unicode.ToLower(c), i, end})
			continue
		}
		if combiningMark(c) && len(out) > start && latinBefore(out[len(out)-1].R, len(out)-1, *la) {
			continue // é written e + U+0301, w̶: the letter without its mark
		}
		if l := cmp.Or(lookAlike(c), lookAlike(r)); l != 0 { // NFKC reads ϲ as ς
			*la = append(*la, lookAlikeAt{len(out), l})
		}
		c = unicode.ToLower(c)
		if l := latinVariant(c); l != 0 {
			c = l
		}
		cjk = cjk || c >= bmpBase
		out = append(out, Rune{c, i, end})
	}
	return out, cjk
}

// latinBefore reports whether rune r at index i is a Latin letter (or a
// look-alike of one) a combining mark after it is drawn on.
func latinBefore(r rune, i int, la []lookAlikeAt) bool {
	return ('a' <= r && r <= 'z') || (len(la) > 0 && la[len(la)-1].i == i)
}

// invisible reports a rune that is never drawn and carries no letter:
// format characters (soft hyphen, zero-width space and joiners, word
// joiner, bidi controls, byte-order mark), variation selectors and the
// combining keycap (1️⃣). Typed text hides them inside words to split
// them for filters; a reader sees the word whole, so matching does too.
func invisible(r rune) bool {
	switch {
	case r >= 0xfe00 && r <= 0xfe0f, r == 0x20e3: // variation selectors, keycap
		return true
	case r < 0xad:
		return false
	}
	return unicode.Is(unicode.Cf, r)
}

// dingbatDigits reads the circled digit styles NFKC leaves alone (❶, ➀,
// ➊, ⓵, ⓿: ① is NFKC's) as the digits they show; "" for any other rune.
func dingbatDigits(r rune) string {
	var d rune
	switch {
	case r >= 0x2776 && r <= 0x277f: // ❶..❿
		d = r - 0x2776 + 1
	case r >= 0x2780 && r <= 0x2789: // ➀..➉
		d = r - 0x2780 + 1
	case r >= 0x278a && r <= 0x2793: // ➊..➓
		d = r - 0x278a + 1
	case r >= 0x24f5 && r <= 0x24fe: // ⓵..⓾
		d = r - 0x24f5 + 1
	case r == 0x24ff, r == 0x24ea: // ⓿, ⓪
		return "0"
	default:
		return ""
	}
	if d == 10 {
		return "10"
	}
	return string('0' + d)
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
