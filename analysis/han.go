package analysis

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// HanScanner reads the normalized runes of a text (NormalizeRunes) token
// by token for a matcher that only looks characters up: the Han tokens
// Tokenize gives (fillers dropped), each with its reading alone, without
// a Token of a hundred bytes per character. It stops at a digit or a
// letter that is not Han (Stopped): their tokens, and what they make of
// the numerals beside them, are Tokenize's to read. Everything else
// (punctuation, spaces, symbols) Tokenize drops too.
type HanScanner struct {
	rs      []Rune
	i       int
	stopped bool
	cur     Rune
}

// Reset starts scanning rs.
func (z *HanScanner) Reset(rs []Rune) { z.rs, z.i, z.stopped = rs, 0, false }

// Stopped reports whether Next stopped at a digit or a letter.
func (z *HanScanner) Stopped() bool { return z.stopped }

// Rune is the current token's character and source span.
func (z *HanScanner) Rune() Rune { return z.cur }

// Next moves to the next Han token; false at the end or at a digit or a
// letter that is not Han.
func (z *HanScanner) Next() bool {
	for z.i < len(z.rs) {
		r := z.rs[z.i]
		switch {
		case isHan(r.R):
			z.i++
			if !isFillerRune(r.R) {
				z.cur = r
				return true
			}
		case r.R >= '0' && r.R <= '9', 'a' <= r.R && r.R <= 'z', r.R >= utf8.RuneSelf && unicode.IsLetter(r.R):
			z.stopped = true
			return false
		default:
			z.i++
		}
	}
	return false
}

// ReadHanAlone is how Tokenize reads the Han character r standing alone
// (see Reading): a digit (八, 幺) reads as it, a positional numeral (十, 万)
// is a compound number of its value, 两 takes its digit only beside other
// digits; all three are Numeric.
func ReadHanAlone(r rune) Reading {
	if d := hanDigit(r); d != 0 {
		return Reading{Numeric: true, Digits: digitStrings[d-'0']}
	}
	if u := hanUnit(r); u > 0 {
		return Reading{Numeric: true, Compound: true, Digits: strconv.Itoa(u)}
	}
	return Reading{Numeric: r == '两'}
}
