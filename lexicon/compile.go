package lexicon

import (
	"fmt"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2"
)

// Options tune compilation.
type Options struct {
	// Phonetic enables phone-sequence fuzzy matching of English patterns;
	// nil turns it off.
	Phonetic PhoneticMatcher
}

// Engine is a compiled lexicon. It is immutable after Compile and safe for
// concurrent use: a new lexicon version is a new Engine.
type Engine struct {
	lx        *Lexicon
	py        *pinyinTable
	rules     []*crule
	patterns  []*cpattern
	index     map[string][]int32 // candidate key -> pattern ids (rarest element)
	second    map[string][]int32 // key -> ids, second-rarest element (filter)
	digitPats []*cpattern
	maxPrefix int // longest wildcard prefix, 0 when none
	phonetic  PhoneticMatcher
	phonIDs   map[int]*cpattern
	scratch   sync.Pool

	searchOnce sync.Once
	searchIdx  bleve.Index
	searchErr  error
}

// Compile builds the matching structures for lx. The bleve rule index for
// SearchRules is built on first use so publishing a lexicon stays fast.
func Compile(lx *Lexicon, opts Options) (*Engine, error) {
	if lx == nil {
		return nil, fmt.Errorf("lexicon: compile: nil lexicon")
	}
	e := &Engine{lx: lx, py: pinyinData(), index: map[string][]int32{}, second: map[string][]int32{},
		phonetic: opts.Phonetic, phonIDs: map[int]*cpattern{}}
	for i := range lx.Rules {
		e.rules = append(e.rules, e.compileRule(&lx.Rules[i], i+1))
	}
	e.buildIndex()
	e.addPhonetic()
	n := len(e.patterns)
	e.scratch.New = func() any {
		return &scratch{stamp: make([]uint32, n), stamp2: make([]uint32, n), pos: make([][2]int32, n)}
	}
	return e, nil
}

// Lexicon returns the lexicon the engine was compiled from.
func (e *Engine) Lexicon() *Lexicon { return e.lx }

func (e *Engine) compileRule(r *Rule, index int) *crule {
	cr := &crule{rule: r, index: index}
	onlyZh := len(r.Languages) == 1 && r.Languages[0] == "zh"
	for _, p := range r.Patterns {
		cp := e.compilePattern(p, r.Category, onlyZh)
		if cp == nil {
			continue
		}
		cp.id, cp.rule = len(e.patterns), cr
		e.patterns = append(e.patterns, cp)
		cr.patterns = append(cr.patterns, cp)
		if cp.digits > 0 {
			e.digitPats = append(e.digitPats, cp)
		}
	}
	for _, x := range r.Exceptions {
		xp := e.compilePattern(Pattern{Phrase: x.Phrase}, "", onlyZh)
		if xp == nil {
			continue
		}
		w := DefaultWindow
		if x.Window != nil {
			w = *x.Window
		}
		cr.exceptions = append(cr.exceptions, cexception{p: xp, window: w})
	}
	return cr
}

// compilePattern returns nil for a phrase that normalizes to nothing
// (validation reports it; Compile must still never fail on it).
func (e *Engine) compilePattern(p Pattern, category string, onlyZh bool) *cpattern {
	cp := &cpattern{src: p.String(), digits: p.Digits, fuzzy: p.Fuzzy == nil || *p.Fuzzy}
	if p.Digits > 0 {
		return cp
	}
	cp.zh = onlyZh || hasHan(p.Phrase)
	cp.elems = compilePhrase(p.Phrase, cp.fuzzy, cp.zh, e.py)
	if len(cp.elems) == 0 {
		return nil
	}
	cp.slop = 1
	if cp.zh {
		cp.slop = 0
	}
	if p.Slop != nil {
		cp.slop = min(max(*p.Slop, 0), MaxSlop)
	}
	cp.key = normKey(cp.elems)
	cp.guards = compileGuards(p, category, cp.key, e.py)
	return cp
}

// buildIndex registers each phrase pattern under the keys of its rarest
// element: any occurrence must contain a token emitting one of them.
func (e *Engine) buildIndex() {
	df := map[string]int{}
	for _, p := range e.patterns {
		for _, el := range p.elems {
			for _, k := range el.keys {
				df[k]++
			}
		}
	}
	for _, p := range e.patterns {
		if p.digits > 0 {
			continue
		}
		best, next := rarest(p, df)
		for _, k := range anchorKeys(p, best, e.py) {
			e.index[k] = append(e.index[k], int32(p.id))
		}
		if next >= 0 {
			p.filtered = true
			for _, k := range anchorKeys(p, next, e.py) {
				e.second[k] = append(e.second[k], int32(p.id))
			}
		}
		for _, el := range p.elems {
			if el.wildcard {
				e.maxPrefix = max(e.maxPrefix, len(el.tok.text))
			}
		}
	}
	for _, m := range []map[string][]int32{e.index, e.second} {
		for k, ids := range m {
			sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
			m[k] = compactIDs(ids)
		}
	}
}

// rarest returns the element with the rarest keys and the next rarest (-1
// when the phrase has one element). A candidate must show keys of both,
// which cuts verification work several-fold at 10,000 rules.
func rarest(p *cpattern, df map[string]int) (int, int) {
	best, next, bc, nc := -1, -1, 0, 0
	for i, el := range p.elems {
		c := 0
		for _, k := range el.keys {
			c += df[k]
		}
		switch {
		case best < 0 || c < bc:
			next, nc = best, bc
			best, bc = i, c
		case next < 0 || c < nc:
			next, nc = i, c
		}
	}
	// A typed word covering several elements (weixin, vx, qq) emits the
	// keys of each element it covers, so the filter stays sound.
	return best, next
}

// anchorKeys adds initials keys (i+letter) for a fuzzy Chinese anchor so a
// typed abbreviation such as "vx" finds 微信.
func anchorKeys(p *cpattern, ai int, py *pinyinTable) []string {
	el := p.elems[ai]
	keys := append([]string(nil), el.keys...)
	if p.fuzzy && p.zh && el.tok.kind == kindHan && len(p.elems) > 1 {
		for _, s := range el.tok.syls {
			keys = append(keys, "i"+string(py.initial(s)))
		}
	}
	return keys
}

func compactIDs(ids []int32) []int32 {
	out := ids[:0]
	for i, id := range ids {
		if i == 0 || id != ids[i-1] {
			out = append(out, id)
		}
	}
	return out
}

// addPhonetic registers fuzzy English phrases with the phone matcher. A
// phrase whose words lack pronunciations keeps its textual matching only.
func (e *Engine) addPhonetic() {
	if e.phonetic == nil {
		return
	}
	for _, p := range e.patterns {
		if p.zh || !p.fuzzy || p.digits > 0 {
			continue
		}
		words := make([]string, 0, len(p.elems))
		for _, el := range p.elems {
			if el.tok.kind != kindWord || el.wildcard {
				words = nil
				break
			}
			words = append(words, el.tok.text)
		}
		if len(words) == 0 {
			continue
		}
		if err := e.phonetic.Add(p.id, words); err == nil {
			e.phonIDs[p.id] = p
		}
	}
}
