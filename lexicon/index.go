package lexicon

import (
	"sort"

	"github.com/earshot/earshot/analysis"
	"github.com/earshot/earshot/analysis/pinyin"
)

// Candidate selection. Every phrase pattern is registered under the keys
// its tokens can emit (character, fuzzy syllable, word, stem, prefix,
// digits, initials). A pattern of two or more elements is registered under
// a pair of adjacent elements, its rarest: a segment must show the two keys
// on tokens at most slop+1 apart (or on one Latin word, "weixin" or "vx"
// covering 微信). Pairs cut candidates several-fold against single rarest
// elements at 10,000 rules. Patterns without a pair that is safe to key on
// (one element, or elements that span several tokens: QQ spelled 扣扣,
// venmo heard "ven mo") keep the rarest element, filtered by the second
// rarest anywhere in the segment.

// buildIndex fills keyIDs, pairs, uni and second.
func (e *Engine) buildIndex() {
	df := map[string]int{}
	for _, p := range e.patterns {
		for i := range p.elems {
			for _, k := range pairKeys(p, i, e.py) {
				df[k]++
			}
		}
	}
	uni, second := map[int32][]int32{}, map[int32][]int32{}
	for _, p := range e.patterns {
		if p.digits > 0 {
			continue
		}
		for _, el := range p.elems {
			if el.wildcard {
				e.maxPrefix = max(e.maxPrefix, len(el.tok.Text))
			}
			e.joins = e.joins || el.joinable
		}
		if ai := bestPair(p, df, e.py); ai >= 0 {
			e.addPair(p, ai)
			continue
		}
		best, next := rarest(p, df)
		p.anchor = best
		for _, k := range anchorKeys(p, best, e.py) {
			id := e.keyID(k)
			uni[id] = append(uni[id], int32(p.id))
		}
		if next >= 0 {
			p.filtered = true
			for _, k := range anchorKeys(p, next, e.py) {
				id := e.keyID(k)
				second[id] = append(second[id], int32(p.id))
			}
		}
	}
	e.uni, e.second = dense(uni, len(e.keyIDs)), dense(second, len(e.keyIDs))
	for k, ids := range e.pairs {
		e.pairs[k] = sortIDs(ids)
	}
}

func (e *Engine) addPair(p *cpattern, ai int) {
	p.anchor = ai
	e.maxDist = max(e.maxDist, p.slop+1)
	for _, a := range pairKeys(p, ai, e.py) {
		for _, b := range pairKeys(p, ai+1, e.py) {
			k := pairKey(e.keyID(a), e.keyID(b))
			e.pairs[k] = append(e.pairs[k], int32(p.id))
		}
	}
}

func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// keyID interns a candidate key.
func (e *Engine) keyID(k string) int32 {
	id, ok := e.keyIDs[k]
	if !ok {
		id = int32(len(e.keyIDs))
		e.keyIDs[k] = id
	}
	return id
}

func dense(m map[int32][]int32, n int) [][]int32 {
	out := make([][]int32, n)
	for k, ids := range m {
		out[k] = sortIDs(ids)
	}
	return out
}

func sortIDs(ids []int32) []int32 {
	sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
	return compactIDs(ids)
}

// pairKeys are the keys a token matching element i emits: its own keys,
// plus pinyin initials for a fuzzy Chinese character (vx covers 微信).
func pairKeys(p *cpattern, i int, py *pinyin.Table) []string {
	el := p.elems[i]
	if !(p.fuzzy && p.zh && el.tok.Kind == analysis.Han && len(p.elems) > 1) {
		return el.keys
	}
	return anchorKeys(p, i, py)
}

// multiToken reports whether an element can span several text tokens (QQ
// spelled 扣扣, venmo heard as "ven mo"): the next element then does not
// start right after the token that emitted its key.
func multiToken(el *elem) bool { return len(el.letters) > 0 || el.joinable }

// bestPair returns the first element of the pair of adjacent elements with
// the rarest keys, or -1.
func bestPair(p *cpattern, df map[string]int, py *pinyin.Table) int {
	best, bc := -1, 0
	for i := 0; i+1 < len(p.elems); i++ {
		if multiToken(&p.elems[i]) {
			continue
		}
		c := keyDF(p, i, df, py) * keyDF(p, i+1, df, py)
		if best < 0 || c < bc {
			best, bc = i, c
		}
	}
	return best
}

func keyDF(p *cpattern, i int, df map[string]int, py *pinyin.Table) int {
	c := 0
	for _, k := range pairKeys(p, i, py) {
		c += df[k]
	}
	return c
}

// rarest returns the element with the rarest keys and the next rarest (-1
// when the phrase has one element). A candidate must show keys of both.
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
	return best, next
}

// anchorKeys adds initials keys (i+letter) for a fuzzy Chinese element so
// a typed abbreviation such as "vx" finds 微信.
func anchorKeys(p *cpattern, ai int, py *pinyin.Table) []string {
	el := p.elems[ai]
	keys := append([]string(nil), el.keys...)
	if p.fuzzy && p.zh && el.tok.Kind == analysis.Han && len(p.elems) > 1 {
		for _, s := range el.tok.Syllables {
			keys = append(keys, "i"+string(py.Initial(s)))
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
