package lexicon

import (
	"strings"

	"github.com/earshot/earshot/analysis"
	"github.com/earshot/earshot/analysis/pinyin"
)

// Scores by how an element matched; a hit scores its weakest element.
const (
	scoreExact    = 1.0
	scoreStem     = 0.95
	scoreWildcard = 0.95
	scorePinyin   = 0.9
	scoreLetter   = 0.85
	scoreTyped    = 0.85
	scoreFuzzyPy  = 0.75
	scoreInitials = 0.7
	scoreJoined   = 0.9
	slopPenalty   = 0.03
)

// stemOf returns a word token's stem, stemming it on first use: the hot
// path tokenizes without stems (analysis.Tokenizer.SkipStems).
func stemOf(t *analysis.Token) string {
	if t.Stem == "" && t.Kind == analysis.Word {
		t.Stem = analysis.Stem(t.Text)
	}
	return t.Stem
}

// span is one verified occurrence of a phrase in the tokens.
type span struct {
	s, e  int // token range [s, e)
	via   string
	score float64
	gaps  int
	exact int // elements matched exactly (the rest by sound or spelling)
}

// verifier matches one phrase against tokens with backtracking. Phrases are
// short (<= 24 elements) and slop small, so the search is tiny.
type verifier struct {
	p    *cpattern
	toks []analysis.Token
	py   *pinyin.Table
	han  bool // the segment has Han characters (see latinAsChinese)
}

// at tries to match the whole phrase with its first element at text token k.
func (v verifier) at(k int) (span, bool) {
	if v.p.plain {
		return v.plainAt(k)
	}
	sp := span{s: k, via: "exact", score: 1}
	return sp, v.elem(0, k, true, &sp)
}

// plainAt is at for a plain pattern: with no fuzzy matching, stems, slop
// or wildcards, the backtracking search reduces to one's exact cases on
// consecutive tokens (TestPlainAtEqualsBacktracking).
func (v verifier) plainAt(k int) (span, bool) {
	els := v.p.elems
	if k < 0 || k+len(els) > len(v.toks) {
		return span{}, false
	}
	for i := range els {
		a, t := &els[i].tok, &v.toks[k+i]
		switch {
		case a.Kind == analysis.Han && t.Kind == analysis.Han && a.Han == t.Han:
		case a.Kind != analysis.Han && a.Kind == t.Kind && a.Text == t.Text:
		case a.Digits != "" && a.Digits == t.Digits && a.Compound == t.Compound:
		default:
			return span{}, false
		}
	}
	return span{s: k, e: k + len(els), via: "exact", score: 1, exact: len(els)}, true
}

// elem matches elements[ei:] with element ei starting within slop of j.
func (v verifier) elem(ei, j int, first bool, sp *span) bool {
	if ei == len(v.p.elems) {
		if !v.soundsAndGaps(sp) {
			return false // try another alignment
		}
		sp.e = j
		return true
	}
	last := j + v.p.slop
	if first {
		last = j
	}
	for k := j; k <= last && k < len(v.toks); k++ {
		saved := *sp
		sp.gaps += k - j
		if v.options(ei, k, sp) {
			return true
		}
		*sp = saved
		if v.p.numeric && numberTok(&v.toks[k]) {
			break // a number is never slop in a phrase with a number
		}
	}
	return false
}

// numberTok reports a token that is a number or part of one: digits, a
// digit word, any word of a compound number (thirty one, 三十一). Skipped
// by slop inside a phrase that names a number, it would change the number.
func numberTok(t *analysis.Token) bool { return t.Digits != "" || t.Compound }

// options tries every way element ei can start at token k.
func (v verifier) options(ei, k int, sp *span) bool {
	el, t := &v.p.elems[ei], &v.toks[k]
	if via, sc, ok := v.one(el, t); ok {
		saved := *sp
		sp.note(via, sc)
		if via == "exact" {
			sp.exact++
		}
		if v.elem(ei+1, k+1, false, sp) {
			return true
		}
		*sp = saved
	}
	if v.p.fuzzy && !v.p.zh && el.joinable {
		if n := v.join(el, k); n > 0 {
			sp.note("joined", scoreJoined)
			return v.elem(ei+1, k+n, false, sp)
		}
	}
	if !v.p.fuzzy || !v.p.zh {
		return false
	}
	if t.Kind == analysis.Word && el.tok.Kind == analysis.Han && latinAsChinese(t.Text, v.han) {
		if n, via, sc := v.cover(ei, t.Text); n > 0 {
			sp.note(via, sc)
			return v.elem(ei+n, k+1, false, sp)
		}
	}
	if len(el.letters) > 0 {
		if n := v.spell(el, k); n > 0 {
			sp.note("pinyin", scoreLetter)
			return v.elem(ei+1, k+n, false, sp)
		}
	}
	return false
}

// soundsAndGaps refuses a Chinese match that skips tokens (slop) while
// matching every character only by its sound: slop is for a word
// inserted into a recognizable phrase, homophones for the recognizer's
// mistakes, and the two together with nothing said as written match
// ordinary speech (直接在抖音 is not 治痘印, though zhi … dou yin sounds
// alike). One exact character anchors it: 加[我]卫星 is 加微信 misheard.
func (v verifier) soundsAndGaps(sp *span) bool {
	return !v.p.zh || sp.gaps == 0 || sp.exact > 0
}

func (sp *span) note(via string, sc float64) {
	if sc < sp.score {
		sp.score, sp.via = sc, via
	}
}

// one matches a single element against a single token.
func (v verifier) one(el *elem, t *analysis.Token) (string, float64, bool) {
	a := el.tok
	switch {
	case a.Kind == analysis.Han && t.Kind == analysis.Han && a.Han == t.Han:
		return "exact", scoreExact, true
	case a.Kind != analysis.Han && a.Kind == t.Kind && a.Text == t.Text:
		return "exact", scoreExact, true
	case a.Digits != "" && a.Digits == t.Digits && a.Compound == t.Compound:
		return "exact", scoreExact, true
	case el.wildcard && t.Kind == analysis.Word && strings.HasPrefix(t.Text, a.Text):
		return "wildcard", scoreWildcard, true
	case el.wildcard && t.Kind == analysis.Word && (v.p.fuzzy || v.p.stems) && strings.HasPrefix(stemOf(t), a.Stem):
		return "wildcard", scoreWildcard, true // curing: stem cure
	case a.Kind == analysis.Word && t.Kind == analysis.Word && !el.wildcard && (v.p.fuzzy || v.p.stems) && a.Stem == stemOf(t):
		return "stem", scoreStem, true
	}
	if !v.p.fuzzy {
		return "", 0, false
	}
	if !v.p.zh || len(el.fsyls)+len(a.Syllables) == 0 || len(t.Syllables) == 0 {
		return "", 0, false
	}
	if t.Kind == analysis.Word && a.Kind == analysis.Han && !latinAsChinese(t.Text, v.han) {
		return "", 0, false // "a", "i" in English speech are not 爱
	}
	return v.sound(el, t)
}

// sound compares readings: same syllable, or same fuzzy syllable (卫星/微信).
func (v verifier) sound(el *elem, t *analysis.Token) (string, float64, bool) {
	if el.tok.Kind == analysis.Han && t.Kind == analysis.Han {
		return v.hanSound(el, t)
	}
	for _, s := range el.tok.Syllables {
		if pinyin.Contains(t.Syllables, s) {
			return "pinyin", scoreLetter, true
		}
	}
	for _, s := range t.Syllables {
		if pinyin.Contains(el.fsyls, v.py.Fuzzy(s)) {
			return "pinyin", scoreFuzzyPy, true
		}
	}
	return "", 0, false
}

// hanSound compares two different Han characters. Toneless readings are
// compared on the primary readings; a rare reading counts only with its
// tone and against the other's primary reading (单 chán is not 产 chǎn,
// 王 and 或 share only the rare yù); the fuzzy merge (zh/z, -ng/-n) uses
// primary readings only, else 一次 (yi ci) would sound like 医治 (治's rare
// chí). A pattern of one or two characters is so short that only the same
// main reading with its tone counts (威信 for 微信, not 一直 for 医治 or
// 是针 for 湿疹).
func (v verifier) hanSound(el *elem, t *analysis.Token) (string, float64, bool) {
	a, b := el.tok.Syllables, t.Syllables
	if len(el.fsyls) == 0 || len(a) == 0 || len(b) == 0 {
		return "", 0, false // a lone character never matches homophones
	}
	switch {
	case v.p.short:
		if v.py.SamePrimary(el.tok.Han, t.Han) {
			return "pinyin", scorePinyin, true
		}
	case a[0] == b[0] || v.py.SharedTone(el.tok.Han, t.Han):
		return "pinyin", scorePinyin, true
	case v.py.Fuzzy(a[0]) == v.py.Fuzzy(b[0]):
		return "pinyin", scoreFuzzyPy, true
	}
	return "", 0, false
}

// cover matches a typed Latin word against one or more Han elements from
// ei: typed pinyin ("weixin", "jia") or initials ("vx", "wx"). It returns
// how many elements the word covers.
func (v verifier) cover(ei int, w string) (int, string, float64) {
	if n := v.typed(ei, w); n > 0 {
		return n, "pinyin", scoreTyped
	}
	if n := v.mixed(ei, w, false, false); n >= 2 && v.han {
		return n, "initials", scoreInitials // weix, wxin: syllables and initials
	}
	els := v.p.elems[ei:]
	if len(w) < 2 || len(w) > len(els) {
		return 0, "", 0
	}
	if v.letters(els, w) {
		return len(w), "pinyin", scoreLetter
	}
	if !initialsOK(w, v.han) {
		return 0, "", 0
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c == 'v' {
			c = 'w'
		}
		if els[i].tok.Kind != analysis.Han || !v.hasInitial(els[i].tok.Syllables, c) {
			return 0, "", 0
		}
	}
	return len(w), "initials", scoreInitials
}

func (v verifier) hasInitial(ss []pinyin.Syllable, c byte) bool {
	for _, s := range ss {
		if v.py.Initial(s) == c {
			return true
		}
	}
	return false
}

// mixed consumes w as consecutive elements from ei, each read as a full
// syllable or as its (consonant) initial, with at least one of each
// ("weix" for 微信, "wxin", "jiawx" for 加微信); it returns how many
// elements, or 0. used and full say an initial and a full syllable were
// already read.
func (v verifier) mixed(ei int, w string, used, full bool) int {
	if w == "" || ei >= len(v.p.elems) || v.p.elems[ei].tok.Kind != analysis.Han {
		return 0
	}
	ss := v.p.elems[ei].tok.Syllables
	c := w[0]
	if c == 'v' {
		c = 'w'
	}
	if !strings.ContainsRune("aeiou", rune(c)) && v.hasInitial(ss, c) {
		if len(w) == 1 && full {
			return 1
		}
		if n := v.mixed(ei+1, w[1:], true, full); n > 0 {
			return n + 1
		}
	}
	for _, s := range ss {
		name := v.py.Name(s)
		if len(name) < 2 || !strings.HasPrefix(w, name) {
			continue
		}
		rest := w[len(name):]
		if rest == "" {
			if used {
				return 1
			}
			continue // all full syllables: typed pinyin, not mixed
		}
		if n := v.mixed(ei+1, rest, used, true); n > 0 {
			return n + 1
		}
	}
	return 0
}

// typed consumes w as consecutive readings of elements from ei.
func (v verifier) typed(ei int, w string) int {
	if w == "" {
		return 0
	}
	if ei >= len(v.p.elems) || v.p.elems[ei].tok.Kind != analysis.Han {
		return -1
	}
	for _, s := range v.p.elems[ei].tok.Syllables {
		name := v.py.Name(s)
		if !strings.HasPrefix(w, name) {
			continue
		}
		if rest := w[len(name):]; rest == "" {
			return 1
		} else if n := v.typed(ei+1, rest); n > 0 {
			return n + 1
		}
	}
	return -1
}

// spell matches a short Latin element (QQ) letter by letter against Han
// tokens read alike (扣扣, 球球); it returns how many tokens it used.
func (v verifier) spell(el *elem, k int) int {
	if k+len(el.letters) > len(v.toks) {
		return 0
	}
	for i, want := range el.letters {
		t := &v.toks[k+i]
		ok := false
		for _, s := range t.Syllables {
			ok = ok || (t.Kind == analysis.Han && pinyin.Contains(want, v.py.Fuzzy(s)))
		}
		if !ok {
			return 0
		}
	}
	return len(el.letters)
}

// letters matches a typed word letter by letter against Han elements whose
// readings the letters sound like (qq against 扣扣).
func (v verifier) letters(els []elem, w string) bool {
	for i := 0; i < len(w); i++ {
		ok := false
		for _, s := range v.py.Letter(w[i]) {
			ok = ok || pinyin.Contains(els[i].fsyls, v.py.Fuzzy(s))
		}
		if !ok {
			return false
		}
	}
	return true
}

// Limits of joining: ASR splits an unknown brand into pieces ("ven mo" for
// venmo); joining 1-letter pieces would let fragments spell words.
const (
	maxJoin      = 3
	minJoinPiece = 2
	minJoinWord  = 5
)

// join matches a one-word English element against 2-3 adjacent words that
// spell it together ("ven mo" for venmo); it returns how many tokens it
// used, or 0.
func (v verifier) join(el *elem, k int) int {
	want := el.tok.Text
	for n, j := 0, k; j < len(v.toks) && n < maxJoin; n, j = n+1, j+1 {
		t := &v.toks[j]
		if t.Kind != analysis.Word || len(t.Text) < minJoinPiece || !strings.HasPrefix(want, t.Text) {
			return 0
		}
		want = want[len(t.Text):]
		if want == "" {
			if n == 0 {
				return 0 // one word: exact or stem matching handles it
			}
			return n + 1
		}
	}
	return 0
}
