package lexicon

import "strings"

// elem is one compiled phrase token with everything verification needs.
type elem struct {
	tok      token
	wildcard bool // tok.text is a prefix (cure* )
	fsyls    []syl
	letters  [][]syl // zh mode: per-letter syllables of a short Latin word
	joinable bool    // fuzzy English word adjacent words may spell (ven mo)
	keys     []string
}

// cpattern is a compiled phrase or digits pattern.
type cpattern struct {
	id     int
	rule   *crule
	src    string
	elems  []elem
	slop   int
	fuzzy  bool  // pinyin, stem, initials, phonetic allowed
	stems  bool  // English stems allowed even when not fuzzy (exceptions)
	short  bool  // fuzzy Chinese of 1-2 Han characters: strict sound-alikes
	langs  uint8 // the rule's languages (langZh, langEn)
	zh     bool  // Chinese mode: letters as syllables, typed pinyin, initials
	digits int
	guards guards
	key    string // normalized token texts joined, for built-in guards
	// filtered patterns are candidates only if their second anchor's
	// keys also occur in the segment.
	filtered bool
	// anchor is the element the index saw (the first of a pair).
	anchor int
}

// crule is a compiled rule.
type crule struct {
	rule       *Rule
	index      int
	patterns   []*cpattern
	exceptions []cexception
}

type cexception struct {
	p      *cpattern
	window int
}

// compilePhrase turns a phrase into elements. Tokens written with a
// trailing '*' become prefix wildcards.
func compilePhrase(phrase string, fuzzy, zh bool, py *pinyinTable) []elem {
	toks := tokenize(phrase)
	els := make([]elem, len(toks))
	for i, t := range toks {
		el := elem{tok: t}
		el.wildcard = t.kind == kindWord && t.end < len(phrase) && phrase[t.end] == '*'
		for _, s := range t.syls {
			el.fsyls = appendSyl(el.fsyls, py.fuzzy[s])
		}
		if zh && t.kind == kindWord && len(t.text) <= 4 && len(t.text) > 1 {
			el.letters = letterReadings(t.text, py)
		}
		el.joinable = fuzzy && !zh && !el.wildcard && t.kind == kindWord && len(t.text) >= minJoinWord
		el.keys = elemKeys(el, fuzzy, zh, py)
		els[i] = el
	}
	// A lone Han character is too short for sound-alike matching: 最 would
	// fire on 醉 and 罪.
	if len(els) == 1 && els[0].tok.kind == kindHan {
		els[0].fsyls = nil
		els[0].keys = elemKeys(els[0], false, zh, py)
	}
	return els
}

// letterReadings returns per-letter syllables when every letter has one
// (qq -> kou/qiu...), else nil.
func letterReadings(w string, py *pinyinTable) [][]syl {
	out := make([][]syl, len(w))
	for i := 0; i < len(w); i++ {
		if len(py.letters[w[i]]) == 0 {
			return nil
		}
		for _, s := range py.letters[w[i]] {
			out[i] = appendSyl(out[i], py.fuzzy[s])
		}
	}
	return out
}

func appendSyl(ss []syl, s syl) []syl {
	if s == 0 || hasSyl(ss, s) {
		return ss
	}
	return append(ss, s)
}

// elemKeys lists the index keys any text token matching el must emit.
func elemKeys(el elem, fuzzy, zh bool, py *pinyinTable) []string {
	t := el.tok
	var keys []string
	if t.digits != "" && !t.compound {
		keys = append(keys, "d"+t.digits)
	}
	switch {
	case t.kind == kindNum:
		keys = append(keys, "d"+t.digits)
	case t.kind == kindHan && fuzzy && len(el.fsyls) > 0:
		for _, s := range el.fsyls {
			keys = append(keys, sylKey('s', s))
		}
	case t.kind == kindHan:
		keys = append(keys, "h"+t.text)
	case el.wildcard && fuzzy:
		keys = append(keys, "p"+t.text, "t"+t.stem)
	case el.wildcard:
		keys = append(keys, "p"+t.text)
	case fuzzy:
		keys = append(keys, "t"+t.stem)
	default:
		keys = append(keys, "w"+t.text)
	}
	if el.joinable {
		keys = append(keys, "j"+t.text)
	}
	if zh && fuzzy && t.kind == kindWord {
		rd := el.letters
		if len(t.text) == 1 {
			rd = [][]syl{t.syls}
		}
		if len(rd) > 0 {
			for _, s := range rd[0] {
				keys = append(keys, sylKey('s', py.fuzzy[s]))
			}
		}
	}
	return keys
}

func sylKey(prefix byte, s syl) string {
	return string([]byte{prefix, byte(s >> 8), byte(s)})
}

// joinKey is a pattern's normalized text, used to look up built-in guards.
func joinKey(els []elem) string {
	parts := make([]string, len(els))
	for i, e := range els {
		parts[i] = e.tok.text
	}
	return strings.Join(parts, " ")
}

// normKey is like joinKey but reads numerals as digits (第一 = 第1).
func normKey(els []elem) string {
	parts := make([]string, len(els))
	for i, e := range els {
		parts[i] = e.tok.text
		if e.tok.digits != "" && !e.tok.compound {
			parts[i] = e.tok.digits
		}
	}
	return strings.Join(parts, " ")
}
