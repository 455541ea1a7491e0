package lexicon

import (
	"strings"

	"github.com/earshot/earshot/analysis"
	"github.com/earshot/earshot/analysis/pinyin"
)

// elem is one compiled phrase token with everything verification needs.
type elem struct {
	tok      analysis.Token
	wildcard bool // tok.Text is a prefix (cure* )
	fsyls    []pinyin.Syllable
	letters  [][]pinyin.Syllable // zh mode: per-letter syllables of a short Latin word
	joinable bool                // fuzzy English word adjacent words may spell (ven mo)
	keys     []string
}

// cpattern is a compiled phrase or digits pattern.
type cpattern struct {
	id    int
	rule  *crule
	src   string
	elems []elem
	slop  int
	// numeric: some element is a number, so slop skips no number token
	// (numberTok): thirty [one] days is 31 days, not thirty days.
	numeric bool
	fuzzy   bool // pinyin, stem, initials, phonetic allowed
	stems   bool // English stems allowed even when not fuzzy (exceptions)
	// plain: exact tokens only (not fuzzy, no stems, no slop, no
	// wildcard), so verifier.at compares token by token (plainAt).
	plain   bool
	short   bool  // fuzzy Chinese of 1-2 Han characters: strict sound-alikes
	langs   uint8 // the rule's languages (langZh, langEn)
	zh      bool  // Chinese mode: letters as syllables, typed pinyin, initials
	digits  int
	contact string // "email", "url" or "handle": a contact-handle pattern
	guards  guards
	// hitRules are its Hits' shared part, one per way of matching (vias).
	hitRules *hitRules
	key      string // normalized token texts joined, for built-in guards
	// filtered patterns are candidates only if one of the second keys
	// also occurs in the segment (a one-element anchor of a longer phrase).
	filtered bool
	second   []int32
	// anchor and anchorEnd are the automaton's anchor run [anchor, anchorEnd).
	anchor, anchorEnd int
	// direct: in ASCII text an occurrence of the anchor is a hit, with no
	// verification (literal.go).
	direct bool
	// hanDirect, guarded: the same in text of Han characters, where its
	// own guards may still cancel it (literal_han.go).
	hanDirect, guarded bool
	// phonGated phrases are aligned by sound only when one of phonKeys
	// (their content words) occurs in the segment.
	phonGated bool
	phonKeys  []int32
}

// special reports a digits or contact pattern: matched by its own scanner,
// not through the automaton.
func (p *cpattern) special() bool { return p.digits > 0 || p.contact != "" }

// crule is a compiled rule.
type crule struct {
	rule       *Rule
	index      int
	patterns   []*cpattern
	exceptions []cexception
	allow      []*cpattern // the rule's own, then the lexicon's
	shortLatin bool        // the short-Latin ASR guard applies (ShortLatinGuard)
	romanized  bool        // Latin words read as Chinese in any segment
}

type cexception struct {
	p      *cpattern
	window int
	gate   [][]int32 // per element, keys one of which must occur (gateKeys)
}

// compilePhrase turns a phrase into elements. Tokens written with a
// trailing '*' become prefix wildcards.
func compilePhrase(phrase string, fuzzy, zh bool, py *pinyin.Table) []elem {
	toks := analysis.Tokenize(phrase)
	els := make([]elem, len(toks))
	for i, t := range toks {
		el := elem{tok: t}
		el.wildcard = t.Kind == analysis.Word && t.End < len(phrase) && phrase[t.End] == '*'
		for _, s := range t.Syllables {
			el.fsyls = appendSyl(el.fsyls, py.Fuzzy(s))
		}
		if zh && t.Kind == analysis.Word && len(t.Text) <= 4 && len(t.Text) > 1 {
			el.letters = letterReadings(t.Text, py)
		}
		el.joinable = fuzzy && !zh && !el.wildcard && t.Kind == analysis.Word && len(t.Text) >= minJoinWord
		el.keys = elemKeys(el, fuzzy, zh, py)
		els[i] = el
	}
	// A lone Han character is too short for sound-alike matching: 最 would
	// fire on 醉 and 罪.
	if len(els) == 1 && els[0].tok.Kind == analysis.Han {
		els[0].fsyls = nil
		els[0].keys = elemKeys(els[0], false, zh, py)
	}
	return els
}

// letterReadings returns per-letter syllables when every letter has one
// (qq -> kou/qiu...), else nil.
func letterReadings(w string, py *pinyin.Table) [][]pinyin.Syllable {
	out := make([][]pinyin.Syllable, len(w))
	for i := 0; i < len(w); i++ {
		if len(py.Letter(w[i])) == 0 {
			return nil
		}
		for _, s := range py.Letter(w[i]) {
			out[i] = appendSyl(out[i], py.Fuzzy(s))
		}
	}
	return out
}

func appendSyl(ss []pinyin.Syllable, s pinyin.Syllable) []pinyin.Syllable {
	if s == 0 || pinyin.Contains(ss, s) {
		return ss
	}
	return append(ss, s)
}

// elemKeys lists the index keys any text token matching el must emit.
func elemKeys(el elem, fuzzy, zh bool, py *pinyin.Table) []string {
	t := el.tok
	var keys []string
	if t.Digits != "" && !t.Compound {
		keys = append(keys, "d"+t.Digits)
	}
	switch {
	case t.Kind == analysis.Number:
		keys = append(keys, "d"+t.Digits)
	case t.Kind == analysis.Han && fuzzy && len(el.fsyls) > 0:
		for _, s := range el.fsyls {
			keys = append(keys, sylKey('s', s))
		}
	case t.Kind == analysis.Han:
		keys = append(keys, "h"+t.Text)
	case el.wildcard && fuzzy:
		keys = append(keys, "p"+t.Text, "t"+t.Stem)
	case el.wildcard:
		keys = append(keys, "p"+t.Text)
	case fuzzy:
		keys = append(keys, "t"+t.Stem)
	default:
		keys = append(keys, "w"+t.Text)
	}
	if el.joinable {
		keys = append(keys, "j"+t.Text)
	}
	if zh && fuzzy && t.Kind == analysis.Word {
		rd := el.letters
		if len(t.Text) == 1 {
			rd = [][]pinyin.Syllable{t.Syllables}
		}
		if len(rd) > 0 {
			for _, s := range rd[0] {
				keys = append(keys, sylKey('s', py.Fuzzy(s)))
			}
		}
	}
	return keys
}

func sylKey(prefix byte, s pinyin.Syllable) string {
	return string([]byte{prefix, byte(s >> 8), byte(s)})
}

// joinKey is a pattern's normalized text, used to look up built-in guards.
func joinKey(els []elem) string {
	parts := make([]string, len(els))
	for i, e := range els {
		parts[i] = e.tok.Text
	}
	return strings.Join(parts, " ")
}

// normKey is like joinKey but reads numerals as digits (第一 = 第1).
func normKey(els []elem) string {
	parts := make([]string, len(els))
	for i, e := range els {
		parts[i] = e.tok.Text
		if e.tok.Digits != "" && !e.tok.Compound {
			parts[i] = e.tok.Digits
		}
	}
	return strings.Join(parts, " ")
}
