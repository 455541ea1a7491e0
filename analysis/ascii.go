package analysis

import (
	"strconv"
	"unsafe"
)

// ASCIIToken is one token of ASCII text as an ASCIIScanner reads it: what
// Tokenize gives for the same text (TestASCIIScannerEqualsTokenize) without
// a Token of a hundred bytes per word, the pinyin of one-letter words, or
// the pass over the whole text that reads numbers together (markNumbers).
type ASCIIToken struct {
	// Text is the normalized text (lower case, apostrophes dropped). It is
	// a substring of the source or, for a word that had to be rewritten,
	// points into the scanner's buffer: valid until the next call of Next.
	Text       string
	Start, End int32
	Kind       Kind // Word or Number
	// Rewritten says Text is in the scanner's buffer, not the source.
	Rewritten bool
}

// ASCIIScanner reads ASCII text token by token, for a matcher that looks
// only at what each word is (a literal lexicon's word keys). The zero value
// is ready; Reset starts a text. It stops at the first byte that is not
// ASCII (NonASCII), where the caller goes on with Tokenize.
//
// Next gives every letter run and digit run, fillers included: a caller
// that looks words up in a table of its own puts the special words
// (SpecialWords, ReadAlone) in it and so reads each word with one lookup.
// NextToken drops fillers itself.
type ASCIIScanner struct {
	s        string
	i        int
	nonASCII bool
	buf      []byte
	// The current token, field by field: a matcher reads them straight
	// from here. (Returning a token struct cost a store-forwarding stall
	// per word in the caller's copy of it, a tenth of a literal match.)
	text       string
	start, end int32
	kind       Kind
	rewritten  bool
	// pack holds a word's first eight normalized bytes, little-endian,
	// zero beyond its end; n its normalized length (Packed).
	pack uint64
	n    int
}

// Reset starts scanning s.
func (z *ASCIIScanner) Reset(s string) { z.s, z.i, z.nonASCII = s, 0, false }

// NonASCII reports whether Next stopped at a byte that is not ASCII.
func (z *ASCIIScanner) NonASCII() bool { return z.nonASCII }

// Text, Start, End and Kind are the current token's (see ASCIIToken).
func (z *ASCIIScanner) Text() string { return z.text }

// Start is the current token's first byte.
func (z *ASCIIScanner) Start() int32 { return z.start }

// End is the byte after the current token.
func (z *ASCIIScanner) End() int32 { return z.end }

// Kind is the current token's kind, Word or Number.
func (z *ASCIIScanner) Kind() Kind { return z.kind }

// Packed returns a Word's first eight normalized bytes as one integer
// (little-endian, the rest zero) and its normalized length: a word of at
// most eight bytes is its integer (no letter is a zero byte), which a
// table keyed by it compares in one instruction. Undefined for a Number.
func (z *ASCIIScanner) Packed() (uint64, int) { return z.pack, z.n }

// Token returns the current token.
func (z *ASCIIScanner) Token() ASCIIToken {
	return ASCIIToken{Text: z.text, Start: z.start, End: z.end, Kind: z.kind, Rewritten: z.rewritten}
}

// Next moves to the next letter run (a Word, fillers included) or digit
// run (a Number); false at the end of the text or at a byte that is not
// ASCII.
func (z *ASCIIScanner) Next() bool {
	s := z.s
	for i := z.i; i < len(s); i++ {
		c := s[i]
		if '0' <= c && c <= '9' {
			j := i + 1
			for j < len(s) && '0' <= s[j] && s[j] <= '9' {
				j++
			}
			z.i, z.text, z.start, z.end, z.kind, z.rewritten = j, s[i:j], int32(i), int32(j), Number, false
			return true
		}
		if asciiLetter(c) {
			// The packed bytes are lower case (c|0x20 of a letter), with
			// no apostrophe: the normalized text's.
			j, upper, apos := i+1, c <= 'Z', false
			pack, n := uint64(c|0x20), 1
			for j < len(s) {
				if d := s[j]; asciiLetter(d) {
					upper = upper || d <= 'Z'
					if n < 8 {
						pack |= uint64(d|0x20) << (8 * n)
					}
					n++
					j++
					continue
				}
				if s[j] == '\'' && j+1 < len(s) && asciiLetter(s[j+1]) {
					apos = true
					j++
					continue
				}
				break
			}
			w := s[i:j]
			if upper || apos {
				w = z.lower(w)
			}
			z.i, z.text, z.start, z.end, z.kind, z.rewritten = j, w, int32(i), int32(j), Word, upper || apos
			z.pack, z.n = pack, n
			return true
		}
		if c >= 0x80 {
			z.i, z.nonASCII = i, true
			return false
		}
	}
	z.i = len(s)
	return false
}

// NextToken is Next without the fillers, with the token's reading alone
// (ReadAlone): the tokens Tokenize gives for ASCII text.
func (z *ASCIIScanner) NextToken() (ASCIIToken, Reading, bool) {
	for z.Next() {
		t := z.Token()
		if t.Kind == Number {
			return t, Reading{Numeric: true, Digits: t.Text}, true
		}
		if r := ReadAlone(t.Text); !r.Filler {
			return t, r, true
		}
	}
	return ASCIIToken{}, Reading{}, false
}

// lower lower-cases w and drops its apostrophes (don't is dont) into the
// scanner's buffer: a capitalized word costs no allocation. The string is
// valid until the buffer is rewritten.
func (z *ASCIIScanner) lower(w string) string {
	b := z.buf[:0]
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c == '\'':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	z.buf = b
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// Reading is what Tokenize makes of a normalized English word (or digit
// run) standing alone.
type Reading struct {
	// Filler: a hesitation sound Tokenize drops (um, uh).
	Filler bool
	// Numeric: the word has, or may take from its neighbours, a digit
	// reading (a digit, number or repeat word, "oh"; written digits).
	// Digits and Compound are its reading when neither neighbouring token
	// is Numeric; next to another Numeric token Tokenize may read it
	// otherwise ("twenty one" is 21, "double eight" 88, "oh" beside a
	// digit 0).
	Numeric  bool
	Digits   string
	Compound bool
}

// ReadAlone returns how Tokenize reads the normalized word w alone. Every
// word not in SpecialWords reads as the zero Reading.
func ReadAlone(w string) Reading {
	wi := lookupWord(w)
	r := Reading{Filler: wi.filler}
	if wi.numberWord() {
		r.Numeric = true
		switch {
		case wi.number > 0: // alone, compoundEn reads it whole
			r.Compound, r.Digits = true, strconv.Itoa(int(wi.number))
		case wi.digit != 0 && w != "oh":
			r.Digits = digitStrings[wi.digit-'0']
		}
	}
	return r
}

// SpecialWords calls f with each English word whose Reading is not the
// zero one.
func SpecialWords(f func(w string)) {
	for w := range specialWords {
		f(w)
	}
}
