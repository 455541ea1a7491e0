package lexicon

import (
	"github.com/earshot/earshot/analysis"
)

// The literal ASCII path. A lexicon whose phrase patterns are all plain
// (fuzzy: false, slop: 0, no wildcard), with no digit, contact, typed or
// phonetic patterns, reads every word of English text as at most two keys
// of its automaton (its word and its digit reading). For such a lexicon, ASCII
// text is matched in one pass over its bytes: each word is read
// (analysis.ASCIIScanner: lower case, apostrophes, fillers) and fed to the
// automaton as it is read, with no Token built, no stems or pinyin, no
// second pass for numbers; and an anchor occurrence of a direct pattern is
// its hit, with no verification. Anything the pass cannot decide exactly
// sends the segment down the general path (tokenize, scan, verify): a byte
// that is not ASCII, two neighbouring number tokens when some pattern has
// a digit reading (they may read together), or a candidate that is not
// direct. Hits are exactly the general path's (TestLiteralASCIIEqualsGeneral,
// FuzzLiteralASCII).

// buildLiteral decides whether the engine takes the literal ASCII path
// and which patterns are direct. Called after the automaton and the key
// tables are built.
func (e *Engine) buildLiteral() {
	// Plain patterns anchor on character, word and digit keys only
	// (elemKeys): stem keys that exceptions' gates intern open no path.
	if e.typed != nil || len(e.digitPats) > 0 || len(e.contactPats) > 0 || e.nPhon > 0 {
		return
	}
	for _, p := range e.patterns {
		if !p.special() && !p.plain {
			return
		}
	}
	e.lit = true
	for _, p := range e.patterns {
		p.direct, p.hanDirect = directASCII(p), hanDirect(p)
		g := p.guards
		p.guarded = len(g.followed)+len(g.preceded)+len(g.inside) > 0
	}
	e.buildLitWords()
	e.buildLitPats()
	e.markLitNodes()
	e.auto.buildPairs()
}

// wholeSingleDigits reports whether p's anchor is its whole phrase and
// each element reads only as itself or, a numeral, as its single digit
// (八 for 8 and eight): what both direct literal paths need of a pattern.
func wholeSingleDigits(p *cpattern) bool {
	if p.anchor != 0 || p.anchorEnd != len(p.elems) {
		return false
	}
	for i := range p.elems {
		if t := &p.elems[i].tok; t.Digits != "" && (len(t.Digits) != 1 || t.Compound) {
			return false
		}
	}
	return true
}

// directASCII reports whether, in ASCII text, each occurrence of p's
// anchor is an occurrence of p that nothing cancels: the anchor is the
// whole phrase; each element is a word or character without a digit
// reading or one with a single-digit one (eight, 八; the automaton finds
// 8 and eight by the digit key, which plainAt accepts, and no compound
// token has a single-digit reading); and no guard, exception or allowed phrase can
// match ASCII text (each has a Han character that is not a numeral). A
// plain pattern's match is always "exact", so the short-Latin guard never
// applies.
func directASCII(p *cpattern) bool {
	if !wholeSingleDigits(p) {
		return false
	}
	g := p.guards
	for _, list := range [][][]elem{g.followed, g.preceded, g.inside} {
		for _, els := range list {
			if !needsHan(els) {
				return false
			}
		}
	}
	r := p.rule
	if r == nil {
		return false
	}
	for _, x := range r.exceptions {
		if x.p.fuzzy || !needsHan(x.p.elems) {
			return false
		}
	}
	for _, a := range r.allow {
		if a.fuzzy || !needsHan(a.elems) {
			return false
		}
	}
	return true
}

// needsHan reports whether an exact phrase has a Han character that only
// a Han token matches (not a numeral, which digits and number words match).
func needsHan(els []elem) bool {
	for i := range els {
		if t := &els[i].tok; t.Kind == analysis.Han && t.Digits == "" {
			return true
		}
	}
	return false
}

// litWord is what the literal path needs of a word: its word and digit
// keys (-1: none), whether Tokenize drops it, whether it may read as a
// number with its neighbours, whether it makes the segment Chinese
// (chineseContext).
type litWord struct {
	wkey, dkey               int32
	filler, numeric, chinese bool
}

// buildLitWords merges the pattern words, analysis's special words
// (fillers, number words) and the Chinese-only spellings into one table,
// so the literal path reads a word with one lookup: a word in none of
// them is no key and reads alone.
func (e *Engine) buildLitWords() {
	m := map[string]litWord{}
	set := func(w string, f func(*litWord)) {
		lw, ok := m[w]
		if !ok {
			lw = litWord{wkey: -1, dkey: -1}
		}
		f(&lw)
		m[w] = lw
	}
	for k, id := range e.keyIDs {
		if k[0] == 'w' {
			set(k[1:], func(lw *litWord) { lw.wkey = id })
		}
	}
	analysis.SpecialWords(func(w string) {
		r := analysis.ReadAlone(w)
		set(w, func(lw *litWord) {
			lw.filler, lw.numeric = r.Filler, r.Numeric
			if r.Digits != "" {
				lw.dkey = e.kt.digits.id(r.Digits)
			}
		})
	})
	for w := range chineseOnly {
		set(w, func(lw *litWord) { lw.chinese = true })
	}
	e.litWords = newLitTab(m)
}

// literalASCII matches text on the literal ASCII path; false sends it down
// the general path. Its paths keep the byte where they started (live.lo),
// not a token index: a direct pattern's first output is its first
// occurrence (occurrences of one phrase end in the order they start), and
// its byte span is all the Hit needs.
func (e *Engine) literalASCII(dst []Hit, text string, sc *scratch) ([]Hit, bool) {
	sc.begin()
	sc.indirect = false
	a, kt := e.auto, &e.kt
	cur, next := sc.live[:0], sc.live2[:0]
	han, words, prevNum := false, false, false
	digits := kt.digits.n > 0
	z := &sc.asc
	z.Reset(text)
	ok := true
	var prev [2]int32 // the previous word's keys, where paths of depth one begin (litpairs.go)
	np, prevStart := 0, int32(0)
	for z.Next() {
		// A word has at most two keys: its word and its digit reading.
		var keys [2]int32
		nk, numeric := 0, false
		if z.Kind() == analysis.Word {
			words = true
			pack, n := z.Packed()
			if lw, found := e.litWords.get(pack, n, z.Text()); found {
				if lw.filler {
					continue
				}
				if lw.wkey >= 0 {
					keys[nk], nk = lw.wkey, nk+1
				}
				if numeric = lw.numeric; lw.dkey >= 0 {
					keys[nk], nk = lw.dkey, nk+1
				}
				han = han || lw.chinese
			}
		} else {
			numeric = true
			if digits {
				if id := kt.digits.id(z.Text()); id >= 0 {
					keys[nk], nk = id, nk+1
				}
			}
		}
		if digits {
			if numeric && prevNum {
				ok = false // they may read together (twenty one, double eight)
				break
			}
			prevNum = numeric
		}
		if nk == 0 {
			cur, np = cur[:0], 0 // no path goes on (no gaps in a plain lexicon)
			continue
		}
		sc.tokGen++
		next = next[:0]
		start, end := z.Start(), z.End()
		for _, l := range cur {
			// (No mask test here, unlike scan: English words have few
			// live paths, most of which advance.)
			n := &a.nodes[l.node]
			if n.nEdges < 0 {
				for _, k := range keys[:nk] {
					if sp, found := a.probe(n, k); found {
						next = e.advanceLit(next, sp, l.lo, end, sc)
					}
				}
				continue
			}
			for i, ek := range a.ekeys[n.edges : n.edges+n.nEdges] {
				if ek == keys[0] || nk == 2 && ek == keys[1] {
					next = e.advanceLit(next, a.espans[n.edges+int32(i)], l.lo, end, sc)
				}
			}
		}
		for _, pk := range prev[:np] {
			for _, k := range keys[:nk] {
				if a.pairs.has(pk, k) {
					a.pairTargets(pk, k, func(sp edgeSpan) { next = e.advanceLit(next, sp, prevStart, end, sc) })
				}
			}
		}
		for _, k := range keys[:nk] {
			if a.pairs.outAt(k) {
				sp := a.root[k]
				for _, to := range a.targets[sp.off : sp.off+sp.n] {
					e.reachLit(to, start, end, sc)
				}
			}
		}
		prev, np, prevStart = keys, nk, start
		if sc.indirect {
			ok = false
			break
		}
		cur, next = next, cur
	}
	sc.live, sc.live2 = cur, next
	if !ok || z.NonASCII() {
		return dst, false
	}
	if len(sc.cands) == 0 {
		return dst, true
	}
	return e.literalHits(dst, text, han, words, sc), true
}

// advanceLit is advance on the literal path, for a path that started at
// byte lo and whose token ends at byte end. Its first output of a pattern
// is the pattern's first occurrence; an output that is not direct sets
// sc.indirect (the text goes down the general path).
func (e *Engine) advanceLit(next []live, sp edgeSpan, lo, end int32, sc *scratch) []live {
	for _, to := range e.auto.targets[sp.off : sp.off+sp.n] {
		next = sc.push(next, live{node: to, lo: lo, hi: lo})
		e.reachLit(to, lo, end, sc)
	}
	return next
}

// reachLit takes the outputs of node to, reached by a path that started
// at byte lo on a token ending at byte end.
func (e *Engine) reachLit(to, lo, end int32, sc *scratch) {
	for _, id := range e.auto.litOutputs(to, nodeIndirect, sc) {
		if sc.stamp[id] != sc.gen {
			sc.stamp[id] = sc.gen
			sc.pos[id] = [2]int32{lo, end}
			sc.cands = append(sc.cands, id)
		}
	}
}
