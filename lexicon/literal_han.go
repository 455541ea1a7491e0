package lexicon

import (
	"slices"

	"github.com/earshot/earshot/analysis"
)

// The literal Han path: literal.go's one pass for Chinese text, over its
// normalized runes (NormalizeRunes: width, case, OpenCC) read character by
// character (analysis.HanScanner), with no Token built. A text with a
// digit or a letter that is not Han goes down the general path, as does
// one with numerals side by side when some pattern has a digit reading,
// or a candidate that is not hanDirect. Unlike ASCII text, Chinese text
// can hold a guard's phrase (小黄车 for an off-platform rule, 最近 for 最),
// so a direct pattern's guards are checked here on the characters, every
// occurrence in order as verify does. Hits are exactly the general path's
// (TestLiteralHanEqualsGeneral, FuzzLiteralHan).

// hanDirect reports whether, in text of Han characters only, each
// occurrence of p's anchor is an occurrence of p, which at most its own
// guards cancel: the anchor is the whole phrase, each element reads as
// one character or a single digit (八 for 8 and eight), no guard phrase
// has a digit reading (they are compared character by character), and
// the rule has no exceptions and no allowed phrases.
func hanDirect(p *cpattern) bool {
	if !wholeSingleDigits(p) || p.rule == nil || len(p.rule.exceptions) > 0 || len(p.rule.allow) > 0 {
		return false
	}
	g := p.guards
	for _, list := range [][][]elem{g.followed, g.preceded, g.inside} {
		for _, els := range list {
			for i := range els {
				if els[i].tok.Digits != "" {
					return false
				}
			}
		}
	}
	return true
}

// hanTok is a token of the literal Han path: its character and span.
type hanTok struct {
	r          rune
	start, end int32
}

// hanOcc is an occurrence of a guarded pattern: its start token.
type hanOcc struct{ id, at int32 }

// literalHan matches text on the literal Han path; false sends it down the
// general path. Paths keep the token they started at (live.lo).
func (e *Engine) literalHan(dst []Hit, text string, sc *scratch) ([]Hit, bool) {
	sc.begin()
	sc.indirect = false
	a, kt := e.auto, &e.kt
	sc.runes = analysis.NormalizeRunes(text, sc.runes[:0])
	z := &sc.hz
	z.Reset(sc.runes)
	cur, next := sc.live[:0], sc.live2[:0]
	toks, occs := sc.htoks[:0], sc.occs[:0]
	digits, prevNum := kt.digits.n > 0, false
	ok := true
	var prev [2]int32 // the previous token's keys (litpairs.go)
	np := 0
	for z.Next() {
		r := z.Rune()
		at := int32(len(toks))
		toks = append(toks, hanTok{r: r.R, start: int32(r.Start), end: int32(r.End)})
		var keys [2]int32
		nk := 0
		if id := kt.hanKey(r.R); id >= 0 {
			keys[nk], nk = id, nk+1
		}
		if digits {
			rd := analysis.ReadHanAlone(r.R)
			if rd.Numeric && prevNum {
				ok = false // they may read together (三十五, 两 beside a digit)
				break
			}
			prevNum = rd.Numeric
			if rd.Digits != "" {
				if id := kt.digits.id(rd.Digits); id >= 0 {
					keys[nk], nk = id, nk+1
				}
			}
		}
		if nk == 0 {
			cur, np = cur[:0], 0 // no path goes on (no gaps in a plain lexicon)
			continue
		}
		sc.tokGen++
		next = next[:0]
		bits := keyBits(keys[:nk])
		for _, l := range cur {
			if a.masks[l.node]&bits == 0 {
				continue // no edge on any of the keys
			}
			for _, k := range keys[:nk] {
				if sp, found := a.next(l.node, k); found {
					next, occs = e.advanceHan(next, occs, sp, l.lo, sc)
				}
			}
		}
		for _, pk := range prev[:np] {
			for _, k := range keys[:nk] {
				if a.pairs.has(pk, k) {
					a.pairTargets(pk, k, func(sp edgeSpan) { next, occs = e.advanceHan(next, occs, sp, at-1, sc) })
				}
			}
		}
		for _, k := range keys[:nk] {
			if a.pairs.outAt(k) {
				sp := a.root[k]
				for _, to := range a.targets[sp.off : sp.off+sp.n] {
					occs = e.reachHan(occs, to, at, sc)
				}
			}
		}
		prev, np = keys, nk
		if sc.indirect {
			ok = false
			break
		}
		cur, next = next, cur
	}
	sc.live, sc.live2, sc.htoks, sc.occs = cur, next, toks, occs
	if !ok || z.Stopped() {
		return dst, false
	}
	if len(sc.cands) == 0 {
		return dst, true
	}
	// Guarded patterns: the first occurrence no guard cancels, past
	// each cancelled one, as verify goes (occurrences by start).
	slices.SortFunc(occs, func(x, y hanOcc) int {
		if x.id != y.id {
			return int(x.id - y.id)
		}
		return int(x.at - y.at)
	})
	for i := 0; i < len(occs); {
		id, from, found := occs[i].id, int32(0), int32(-1)
		p := e.patterns[id]
		n := int32(len(p.elems))
		for ; i < len(occs) && occs[i].id == id; i++ {
			if s := occs[i].at; found < 0 && s >= from {
				if guardedHan(p.guards, toks, s, s+n) {
					from = s + n
				} else {
					found = s
				}
			}
		}
		sc.pos[id] = [2]int32{found, found + n - 1}
	}
	// Candidates by byte span; a guarded one every occurrence of which
	// was cancelled is none.
	cands := sc.cands[:0]
	for _, id := range sc.cands {
		s, l := sc.pos[id][0], sc.pos[id][1]
		if s < 0 {
			continue
		}
		sc.pos[id] = [2]int32{toks[s].start, toks[l].end}
		cands = append(cands, id)
	}
	sc.cands = cands
	return e.literalHits(dst, text, true, false, sc), true
}

// advanceHan is advance on the literal Han path, for a path that started
// at token lo: an output that is not hanDirect sets sc.indirect; a
// guarded one records its occurrence; an unguarded one its first (pos
// holds the start and end tokens until literalHan turns them into bytes).
func (e *Engine) advanceHan(next []live, occs []hanOcc, sp edgeSpan, lo int32, sc *scratch) ([]live, []hanOcc) {
	for _, to := range e.auto.targets[sp.off : sp.off+sp.n] {
		next = sc.push(next, live{node: to, lo: lo, hi: lo})
		occs = e.reachHan(occs, to, lo, sc)
	}
	return next, occs
}

// reachHan takes the outputs of node to, reached by a path that started
// at token lo.
func (e *Engine) reachHan(occs []hanOcc, to, lo int32, sc *scratch) []hanOcc {
	for _, id := range e.auto.litOutputs(to, nodeHanIndirect, sc) {
		lp := &e.litPats[id]
		if lp.flags&litGuarded != 0 {
			occs = append(occs, hanOcc{id: id, at: lo})
		}
		if sc.stamp[id] != sc.gen {
			sc.stamp[id] = sc.gen
			sc.pos[id] = [2]int32{lo, lo + int32(lp.n) - 1}
			sc.cands = append(sc.cands, id)
		}
	}
	return occs
}

// guardedHan is guards.blocked on the literal Han path's tokens: a guard
// element matches a token of the same character (hanDirect guards have no
// digit readings, and the text has only Han tokens).
func guardedHan(g guards, toks []hanTok, s, e int32) bool {
	at := func(els []elem, k int32) bool {
		if k < 0 || int(k)+len(els) > len(toks) {
			return false
		}
		for i := range els {
			if t := &els[i].tok; t.Kind != analysis.Han || t.Han != toks[int(k)+i].r {
				return false
			}
		}
		return true
	}
	for _, els := range g.followed {
		if at(els, e) {
			return true
		}
	}
	for _, els := range g.preceded {
		if at(els, s-int32(len(els))) {
			return true
		}
	}
	for _, els := range g.inside {
		for k := s - int32(len(els)) + 1; k < e; k++ {
			if at(els, k) {
				return true
			}
		}
	}
	return false
}
