package analysis

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Typed captions and titles hide a Latin word from filters by drawing it
// with letters that look the same: Cyrillic е or Greek Α inside "wechat",
// ΜΕSSΑGΕ with Greek capitals among Latin ones, small capitals (ᴡᴇᴄʜᴀᴛ),
// accents and combining strokes (wéchat, w̶e̶c̶h̶a̶t̶). A reader sees the
// Latin word, so matching does too. Latin letters are Latin whatever they
// look like, so their variants fold everywhere; Greek, Cyrillic and
// Armenian letters fold only inside a word with a Latin letter, so real
// Russian or Greek text is never rewritten.

// latinVariant folds a lower-case Latin letter that NFKC leaves alone to
// the ASCII letter it is drawn as: small capitals, the dotless and script
// forms, stroked letters, and letters with diacritics (é, ñ, ǘ); 0 if r is
// no such letter.
func latinVariant(r rune) rune {
	switch r {
	case 'ᴀ', 'ɑ':
		return 'a'
	case 'ʙ':
		return 'b'
	case 'ᴄ':
		return 'c'
	case 'ᴅ', 'đ':
		return 'd'
	case 'ᴇ':
		return 'e'
	case 'ꜰ':
		return 'f'
	case 'ɢ', 'ɡ':
		return 'g'
	case 'ʜ', 'ħ', 'ⱨ':
		return 'h'
	case 'ɪ', 'ı', 'ɩ':
		return 'i'
	case 'ᴊ', 'ȷ':
		return 'j'
	case 'ᴋ':
		return 'k'
	case 'ʟ', 'ł':
		return 'l'
	case 'ᴍ':
		return 'm'
	case 'ɴ':
		return 'n'
	case 'ᴏ', 'ø':
		return 'o'
	case 'ᴘ':
		return 'p'
	case 'ʀ':
		return 'r'
	case 'ꜱ':
		return 's'
	case 'ᴛ':
		return 't'
	case 'ᴜ':
		return 'u'
	case 'ᴠ':
		return 'v'
	case 'ᴡ':
		return 'w'
	case 'ʏ':
		return 'y'
	case 'ᴢ':
		return 'z'
	}
	if (r >= 0xc0 && r <= 0x24f) || (r >= 0x1e00 && r <= 0x1eff) {
		// A letter with diacritics: its canonical decomposition starts
		// with the ASCII letter it is written on.
		var src, dst [16]byte
		d := norm.NFD.Append(dst[:0], src[:utf8.EncodeRune(src[:], r)]...)
		if len(d) > 1 && 'a' <= d[0] && d[0] <= 'z' {
			return rune(d[0])
		}
	}
	return 0
}

// lookAlike is the ASCII letter a Greek, Cyrillic or Armenian letter is
// drawn as, 0 if none. It takes the letter before lower-casing: capital
// Η looks like H, small η like n.
func lookAlike(r rune) rune {
	if r < 0x370 || r > 0x58f {
		return 0
	}
	switch r {
	case 'Α', 'α', 'А', 'а':
		return 'a'
	case 'Β', 'В', 'ь':
		return 'b'
	case 'Ϲ', 'ϲ', 'С', 'с':
		return 'c'
	case 'Ε', 'ε', 'Е', 'е', 'Ё', 'ё':
		return 'e'
	case 'Η', 'Н', 'н', 'Һ', 'һ', 'հ':
		return 'h'
	case 'Ι', 'ι', 'І', 'і', 'Ї', 'ї':
		return 'i'
	case 'Ϳ', 'ϳ', 'Ј', 'ј':
		return 'j'
	case 'Κ', 'κ', 'К', 'к':
		return 'k'
	case 'Ӏ', 'ӏ':
		return 'l'
	case 'Μ', 'М', 'м':
		return 'm'
	case 'Ν', 'η', 'п', 'ո':
		return 'n'
	case 'Ο', 'ο', 'О', 'о', 'օ':
		return 'o'
	case 'Ρ', 'ρ', 'Р', 'р':
		return 'p'
	case 'Ԛ', 'ԛ':
		return 'q'
	case 'г':
		return 'r'
	case 'Ѕ', 'ѕ':
		return 's'
	case 'Τ', 'Т', 'т':
		return 't'
	case 'υ', 'ս':
		return 'u'
	case 'ν', 'Ѵ', 'ѵ':
		return 'v'
	case 'ω', 'Ԝ', 'ԝ', 'ш':
		return 'w'
	case 'Χ', 'χ', 'Х', 'х':
		return 'x'
	case 'Υ', 'γ', 'У', 'у', 'Ү', 'ү':
		return 'y'
	case 'Ζ':
		return 'z'
	}
	return 0
}

// lookAlikeAt is a look-alike letter seen while normalizing: the index of
// its normalized rune and the ASCII letter it is drawn as.
type lookAlikeAt struct {
	i int
	r rune
}

// foldLookAlikes rewrites the look-alike letters of rs (absolute indexes
// in la, in order) to ASCII in the words that have a Latin letter. A word
// with none is left as written, even made only of look-alikes (КОТ, ΚΑΙ):
// deciding that from the rest of the sentence would make a word's reading
// depend on words far from it, which a streamed partial does not have.
func foldLookAlikes(rs []Rune, base int, la []lookAlikeAt) {
	k := 0
	for i := base; i < len(rs) && k < len(la); {
		if !wordRune(rs[i].R) {
			i++
			continue
		}
		j, latin, k0 := i, false, k
		for ; j < len(rs) && wordRune(rs[j].R); j++ {
			if k < len(la) && la[k].i == j {
				k++
			} else if rs[j].R < utf8.RuneSelf {
				latin = true
			}
		}
		if latin {
			fold(rs, la[k0:k])
		}
		i = j
	}
}

func fold(rs []Rune, la []lookAlikeAt) {
	for _, l := range la {
		rs[l.i].R = l.r
	}
}

// wordRune is a rune of a Latin or other alphabetic word (not Han).
func wordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z'
	}
	return unicode.IsLetter(r) && !isHan(r)
}

// combiningMark is a mark drawn on the letter before it (accents, the
// strokes and underlines of w̶e̶c̶h̶a̶t̶).
func combiningMark(r rune) bool {
	return r >= 0x300 && (unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r))
}

// isRegional reports a regional indicator letter (🇦..🇿).
func isRegional(r rune) bool { return r >= 0x1f1e6 && r <= 0x1f1ff }

// regionalRun counts the regional indicator letters at the start of s.
// Each is four bytes, F0 9F 87 A6..BF; the last byte tells the letter.
func regionalRun(s string) int {
	k := 0
	for 4*k+3 < len(s) && s[4*k] == 0xf0 && s[4*k+1] == 0x9f && s[4*k+2] == 0x87 && s[4*k+3] >= 0xa6 && s[4*k+3] <= 0xbf {
		k++
	}
	return k
}
