package lexicon

import (
	"strings"

	"github.com/earshot/earshot/analysis"
)

// Speech breaks an address into pieces the scanners of contacts.go do not
// read as one: a suffix or the word dot spelled letter by letter ("dot c o
// m", "d o t com"), run together ("dotcom"), said as Chinese syllables (点
// 康姆 for .com) or a host said as Chinese digits (艾特 一六三 点 com).
// contactView rewrites those pieces into the tokens the scanners know,
// with from mapping each view token back to the tokens it came from.

// comSyllables are the Chinese renderings of "com" said after 点 (点康姆,
// 点看木): a first syllable close to "kom" and a second close to "m".
var (
	comFirst  = map[rune]bool{'康': true, '卡': true, '看': true, '扣': true, '考': true, '抗': true, '克': true, '科': true, '可': true}
	comSecond = map[rune]bool{'姆': true, '木': true, '母': true, '目': true, '么': true, '默': true}
)

// contactView returns toks with the spelled, joined and Chinese-said
// pieces of an address rewritten, and from, where view token j came from
// toks[from[j]] and from[len(view)] == len(toks); from is nil when
// nothing needed rewriting (view is toks). It allocates only then.
func contactView(toks []analysis.Token) (view []analysis.Token, from []int) {
	if !needsView(toks) {
		return toks, nil
	}
	view = make([]analysis.Token, 0, len(toks)+2)
	from = make([]int, 0, len(toks)+3)
	for i := 0; i < len(toks); {
		t := toks[i]
		if w, n := spelledWord(toks, i); n > 0 {
			view = append(view, joined(toks[i:i+n], analysis.Word, w))
			from = append(from, i)
			i += n
			continue
		}
		if t.Kind == analysis.Word && (t.Text == "dotcom" || t.Text == "dotcn") {
			dot, tld := t, t                       // dotcom: the two words, sharing the source span
			dot.Text, tld.Text = "dot", t.Text[3:] // not dotnet: a word of its own
			view = append(view, dot, tld)
			from = append(from, i, i)
			i++
			continue
		}
		if i > 0 && toks[i-1].Han == '点' && i+1 < len(toks) && comFirst[t.Han] && comSecond[toks[i+1].Han] {
			view = append(view, joined(toks[i:i+2], analysis.Word, "com"))
			from = append(from, i)
			i += 2
			continue
		}
		if splitHost(toks, i) {
			view = append(view, joined(toks[i:i+2], analysis.Word, t.Text+toks[i+1].Text))
			from = append(from, i)
			i += 2
			continue
		}
		if n := hanDigits(toks, i); n >= 2 {
			var b strings.Builder
			for _, d := range toks[i : i+n] {
				b.WriteString(d.Digits)
			}
			view = append(view, joined(toks[i:i+n], analysis.Number, b.String()))
			from = append(from, i)
			i += n
			continue
		}
		view = append(view, t)
		from = append(from, i)
		i++
	}
	return view, append(from, len(toks))
}

// needsView reports whether toks hold a piece contactView rewrites; it is
// the cheap check every hypothesis pays.
func needsView(toks []analysis.Token) bool {
	for i := range toks {
		t := &toks[i]
		switch {
		case t.Kind == analysis.Word && len(t.Text) == 1 && i+1 < len(toks) && len(toks[i+1].Text) == 1:
			return true // letters said one at a time
		case t.Text == "dotcom" || t.Text == "dotcn":
			return true
		case t.Han == '点' || t.Han == '特' || splitHost(toks, i):
			return true
		}
	}
	return false
}

// spelledWord reads "d o t", "w w w" or a domain suffix said one letter at
// a time at toks[i]: the word and how many letters it took (0: none). The
// longest suffix wins (c o m is com, not co).
func spelledWord(toks []analysis.Token, i int) (string, int) {
	var b [4]byte
	n := 0
	for n < len(b) && i+n < len(toks) && letterTok(&toks[i+n]) {
		b[n] = toks[i+n].Text[0]
		n++
	}
	for ; n >= 2; n-- {
		w := string(b[:n])
		if w == "dot" || w == "www" || (topLevel[w] && i > 0 && dotBefore(toks, i)) {
			return w, n
		}
	}
	return "", 0
}

// dotBefore reports a spoken dot right before toks[i] (a written one the
// scanners read from the text; a suffix spelled after it is rare enough).
func dotBefore(toks []analysis.Token, i int) bool {
	p := &toks[i-1]
	if p.Text == "dot" || p.Han == '点' {
		return true
	}
	return i >= 4 && p.Text == "t" && toks[i-2].Text == "o" && toks[i-3].Text == "d" // d o t c o m
}

func letterTok(t *analysis.Token) bool {
	return t.Kind == analysis.Word && len(t.Text) == 1 && t.Text[0] >= 'a' && t.Text[0] <= 'z'
}

// hanDigits is the length of the run of digits said in Chinese at toks[i]
// (一六三), 0 if none.
func hanDigits(toks []analysis.Token, i int) int {
	n := 0
	for i+n < len(toks) && toks[i+n].Han != 0 && toks[i+n].IsDigit() {
		n++
	}
	return n
}

// joined is one token of kind k and text w spanning ts.
func joined(ts []analysis.Token, k analysis.Kind, w string) analysis.Token {
	t := ts[0]
	t.Kind, t.Text, t.Han, t.End = k, w, 0, ts[len(ts)-1].End
	t.Digits, t.Compound = "", false
	if k == analysis.Number {
		t.Digits = w
	}
	return t
}

// toSource maps spans over a view back to the tokens they came from.
func toSource(ss []span, from []int) []span {
	if from == nil {
		return ss
	}
	for i := range ss {
		ss[i].s, ss[i].e = from[ss[i].s], from[ss[i].e]
	}
	return ss
}

// splitHost reports a mail provider's name said as two words right after
// "at" (at g mail, at hot mail, at out look: ASR splits what it does not
// know as one word).
func splitHost(toks []analysis.Token, i int) bool {
	if i == 0 || i+1 >= len(toks) || toks[i-1].Text != "at" || toks[i].Kind != analysis.Word || toks[i+1].Kind != analysis.Word {
		return false
	}
	a, b := toks[i].Text, toks[i+1].Text
	return len(a)+len(b) <= 10 && mailHosts[a+b]
}
