package analysis

import (
	"iter"
	"strconv"
	"strings"
)

// markNumbers resolves readings that depend on neighbours: "oh" and 两 are
// digits only next to other digits; runs with 十/百/千/万 or English tens are
// compound numbers whose value sits on their first token.
//
// info holds lookupWord of each Word token and fillHan's of each Han
// token (zero for the others).
func markNumbers(toks []Token, info []wordInfo) {
	for i := range toks {
		t := &toks[i]
		if (t.Text == "oh" || t.Han == '两') && (isDigitTok(toks, i-1) || isDigitTok(toks, i+1)) {
			t.Digits = map[bool]string{true: "0", false: "2"}[t.Text == "oh"]
		}
	}
	for i := 0; i < len(toks); {
		j := i
		for j < len(toks) && info[j].numeral {
			j++
		}
		if j > i {
			compoundHan(toks[i:j])
			i = j
			continue
		}
		if n := info[i].number; n > 0 {
			i = compoundEn(toks, i, int(n))
			continue
		}
		i++
	}
	markRepeats(toks, info)
}

// markRepeats reads "double zero" as 00 and "triple eight" as 888: the
// repeat word carries the extra copies, so the digit run stays contiguous.
// Only before a single digit ("double the price" stays a word).
func markRepeats(toks []Token, info []wordInfo) {
	for i := 0; i+1 < len(toks); i++ {
		n := int(info[i].repeat)
		next := &toks[i+1]
		if n == 0 || toks[i].Kind != Word || len(next.Digits) != 1 || next.Compound {
			continue
		}
		toks[i].Digits = strings.Repeat(next.Digits, n-1)
	}
}

func isDigitTok(toks []Token, i int) bool {
	return i >= 0 && i < len(toks) && toks[i].Digits != "" && toks[i].Text != "oh"
}

// compoundHan gives a run holding a positional numeral its value (两千 =
// 2000, 一百零八 = 108) and marks it compound so it never counts as a digit
// string (千万不要 is not an 8-digit number).
func compoundHan(run []Token) {
	hasUnit := false
	for _, t := range run {
		hasUnit = hasUnit || hanUnit(t.Han) > 0
	}
	if !hasUnit {
		return
	}
	total, section, num := 0, 0, 0
	for _, t := range run {
		if u := hanUnit(t.Han); u > 0 {
			if num == 0 {
				num = 1
			}
			if u == 10000 {
				total, section = (total+section+num)*u, 0
			} else {
				section += num * u
			}
			num = 0
		} else if t.Han == '两' {
			num = 2
		} else {
			num = int(t.Digits[0] - '0')
		}
		if total > 1e12 {
			break
		}
	}
	for k := range run {
		run[k].Compound, run[k].Digits = true, ""
	}
	run[0].Digits = strconv.Itoa(total + section + num)
}

// compoundEn joins "twenty one" (21) and "three hundred" (300).
func compoundEn(toks []Token, i, n int) int {
	toks[i].Compound, toks[i].Digits = true, strconv.Itoa(n)
	if n == 100 && i > 0 && toks[i-1].Digits != "" && len(toks[i-1].Digits) == 1 {
		toks[i-1].Compound = true
		toks[i-1].Digits = toks[i-1].Digits + "00"
		toks[i].Digits = ""
	}
	if n >= 20 && n%10 == 0 && n < 100 && i+1 < len(toks) {
		if d, ok := enDigits[toks[i+1].Text]; ok && d != '0' {
			toks[i].Digits = strconv.Itoa(n + int(d-'0'))
			toks[i+1].Compound, toks[i+1].Digits = true, ""
			return i + 2
		}
	}
	return i + 1
}

// DigitRun is a maximal run of digit tokens (Token.IsDigit): a number
// written (13800138000), spoken (five five five, 幺三八) or mixed, with
// any spaces, dashes or fillers between them.
type DigitRun struct {
	// Start and End are the token range [Start, End).
	Start, End int
	// Len is how many digits the run reads as; it can exceed End-Start
	// ("triple eight" is two tokens and three digits, 888).
	Len int
	// Spoken says some token was a numeral or number word, not written
	// digits.
	Spoken bool
}

// Digits returns the run's digits ("13800138000").
func (r DigitRun) Digits(toks []Token) string {
	var b strings.Builder
	for _, t := range toks[r.Start:r.End] {
		b.WriteString(t.Digits)
	}
	return b.String()
}

// DigitRuns yields the digit runs of toks in order. A compound number
// (三十五, twenty one) ends a run: a phone number is read digit by digit.
func DigitRuns(toks []Token) iter.Seq[DigitRun] {
	return func(yield func(DigitRun) bool) {
		for i := 0; i < len(toks); {
			if !toks[i].IsDigit() {
				i++
				continue
			}
			j, n, spoken := i, 0, false
			for j < len(toks) && toks[j].IsDigit() {
				n += len(toks[j].Digits)
				spoken = spoken || toks[j].Kind != Number
				j++
			}
			if !yield(DigitRun{Start: i, End: j, Len: n, Spoken: spoken}) {
				return
			}
			i = j
		}
	}
}

// ReadsWithNext reports whether t's reading can change with the tokens
// after it: a digit or number word (a compound number or a phone number
// reads on), "oh" and 两 (digits only beside digits), "double" and "triple"
// (before a digit). A caller re-tokenizing only the end of a growing text
// starts before such tokens.
func ReadsWithNext(t *Token) bool {
	if t.Digits != "" || t.Compound || t.Han == '两' {
		return true
	}
	return t.Kind == Word && (t.Text == "oh" || lookupWord(t.Text).repeat > 0 || lookupWord(t.Text).number > 0)
}
