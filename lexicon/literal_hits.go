package lexicon

import (
	"slices"
	"strings"
	"time"
)

// The hits of the literal paths (literal.go, literal_han.go). At 10,000
// rules a segment of English breaks about 20, and what each costs is not
// the automaton but memory: following a pattern to its rule and the rule
// to its strings was three or four cache misses per candidate, on
// structures scattered over the heap. So what the literal paths read of a
// pattern lives in one dense array (litPat, 12 bytes a pattern), and the
// Hit a direct pattern gives is built ahead, in pattern order, and copied
// whole (litTmpl).

// litPat is what the literal paths read of a pattern.
type litPat struct {
	rank  int32 // its rule's rank by id (sortedAppend's order at equal starts)
	rule  int32 // its rule's index-1
	n     int16 // its elements
	langs uint8 // its rule's languages
	flags uint8
}

const (
	litDirect    uint8 = 1 << iota // directASCII
	litHanDirect                   // hanDirect
	litGuarded                     // it has guards (literal_han.go checks them)
	litRomanized                   // its rule reads Latin as Chinese anywhere
)

// buildLitPats fills litPats, ruleRank and the Hit templates of the
// direct patterns. Called by buildLiteral once it has marked them.
func (e *Engine) buildLitPats() {
	// ruleRank orders rules as sortedAppend does at equal starts: by id,
	// then lexicon order.
	order := make([]int32, len(e.rules))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(x, y int32) int { return strings.Compare(e.rules[x].rule.ID, e.rules[y].rule.ID) })
	e.ruleRank = make([]int32, len(e.rules))
	for rank, i := range order {
		e.ruleRank[i] = int32(rank)
	}
	e.litPats = make([]litPat, len(e.patterns))
	e.litTmpl = make([]Hit, len(e.patterns))
	for id, p := range e.patterns {
		lp := &e.litPats[id]
		lp.n, lp.langs, lp.rule = int16(len(p.elems)), p.langs, -1
		if p.direct {
			lp.flags |= litDirect
		}
		if p.hanDirect {
			lp.flags |= litHanDirect
		}
		if p.guarded {
			lp.flags |= litGuarded
		}
		cr := p.rule
		if cr == nil || !p.direct && !p.hanDirect {
			continue // never a literal hit (both need a rule)
		}
		if cr.romanized {
			lp.flags |= litRomanized
		}
		lp.rule, lp.rank = int32(cr.index-1), e.ruleRank[cr.index-1]
		e.litTmpl[id] = Hit{HitRule: p.hitRule("exact"), Score: 1}
	}
}

// markLitNodes sets each node's lit flags from its outputs.
func (e *Engine) markLitNodes() {
	a := e.auto
	for i := range a.nodes {
		n := &a.nodes[i]
		for _, id := range a.outs[n.out : n.out+n.nOut] {
			if e.litPats[id].flags&litDirect == 0 {
				n.lit |= nodeIndirect
			}
			if e.litPats[id].flags&litHanDirect == 0 {
				n.lit |= nodeHanIndirect
			}
		}
	}
}

// litOutputs are the outputs of node to for a literal path, none when
// one has the indirect flag (nodeIndirect or nodeHanIndirect): it sets
// sc.indirect, and the text goes down the general path.
func (a *automaton) litOutputs(to int32, indirect uint8, sc *scratch) []int32 {
	n := &a.nodes[to]
	if n.lit&indirect != 0 {
		sc.indirect = true
		return nil
	}
	return a.outs[n.out : n.out+n.nOut]
}

// litHit is a hit of the literal path before it becomes a Hit: its
// pattern and byte span.
type litHit struct {
	key        uint64 // start byte << 32 | the rule's rank (ruleRank)
	id, bs, be int32
}

// literalHits appends finish's hits of the candidates to dst: in lexicon
// order, the first pattern of a rule that occurs gives its Hit, at its
// first occurrence; languages as segmentLangs.
func (e *Engine) literalHits(dst []Hit, text string, han, words bool, sc *scratch) []Hit {
	langs := uint8(0)
	if han {
		langs |= langZh
	}
	if words {
		langs |= langEn
	}
	if langs == 0 {
		langs = langZh | langEn
	}
	// One record per rule, its lowest pattern id (lexicon order) among
	// the candidates, found in one pass with a slot per rule instead of
	// sorting the candidates first. Direct patterns are never filtered
	// (their anchor is the phrase).
	fire := sc.lhits[:0]
	for _, id := range sc.cands {
		lp := &e.litPats[id]
		ph := han || lp.flags&litRomanized != 0
		if lp.langs&langs == 0 && !(ph && lp.langs&langZh != 0) {
			continue
		}
		f := litHit{key: uint64(sc.pos[id][0])<<32 | uint64(lp.rank), id: id, bs: sc.pos[id][0], be: sc.pos[id][1]}
		if sc.fired[lp.rule] == sc.gen {
			if at := sc.slot[lp.rule]; id < fire[at].id {
				fire[at] = f
			}
			continue
		}
		sc.fired[lp.rule], sc.slot[lp.rule] = sc.gen, int32(len(fire))
		fire = append(fire, f)
	}
	sc.lhits = fire
	if len(fire) == 0 {
		return dst
	}
	// sortedAppend's order (start, rule id, lexicon order) is the key's (a
	// rule fires once, so keys are unique). Candidates come roughly in
	// the order they end, so their starts are nearly sorted: an insertion
	// sort does a few moves where a general sort did its whole work.
	for i := 1; i < len(fire); i++ {
		for j := i; j > 0 && fire[j].key < fire[j-1].key; j-- {
			fire[j], fire[j-1] = fire[j-1], fire[j]
		}
	}
	n0 := len(dst)
	dst = slices.Grow(dst, len(fire))[:n0+len(fire)]
	for i, f := range fire {
		h := &dst[n0+i]
		*h = e.litTmpl[f.id]
		h.MatchedText = text[f.bs:f.be]
		h.Start, h.End = time.Duration(f.bs), time.Duration(f.be)
	}
	return dst
}
