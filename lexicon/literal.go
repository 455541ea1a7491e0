package lexicon

import (
	"cmp"
	"slices"
	"strings"
	"time"

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
	// ruleRank orders rules as sortedCopy does at equal starts: by id,
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
	m := map[string]int32{}
	var info []litWord
	get := func(w string) *litWord {
		i, ok := m[w]
		if !ok {
			i = int32(len(info))
			m[w] = i
			info = append(info, litWord{wkey: -1, dkey: -1})
		}
		return &info[i]
	}
	for k, id := range e.keyIDs {
		if k[0] == 'w' {
			get(k[1:]).wkey = id
		}
	}
	analysis.SpecialWords(func(w string) {
		r := analysis.ReadAlone(w)
		lw := get(w)
		lw.filler, lw.numeric = r.Filler, r.Numeric
		if r.Digits != "" {
			lw.dkey = e.kt.digits.id(r.Digits)
		}
	})
	for w := range chineseOnly {
		get(w).chinese = true
	}
	e.litWords, e.litInfo = newStrIDs(m), info
}

// literalASCII matches text on the literal ASCII path; false sends it down
// the general path. Its paths keep the byte where they started (live.lo),
// not a token index: a direct pattern's first output is its first
// occurrence (occurrences of one phrase end in the order they start), and
// its byte span is all the Hit needs.
func (e *Engine) literalASCII(text string, sc *scratch) ([]Hit, bool) {
	sc.begin()
	sc.indirect = false
	a, kt := e.auto, &e.kt
	cur, next := sc.live[:0], sc.live2[:0]
	han, words, prevNum := false, false, false
	digits := kt.digits.n > 0
	z := &sc.asc
	z.Reset(text)
	ok := true
	for z.Next() {
		// A word has at most two keys: its word and its digit reading.
		var keys [2]int32
		nk, numeric := 0, false
		if z.Kind() == analysis.Word {
			words = true
			if i, found := e.litWords.get(z.Text()); found {
				lw := &e.litInfo[i]
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
			cur = cur[:0] // no path goes on (no gaps in a plain lexicon)
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
		for _, k := range keys[:nk] {
			if sp := a.root[k]; sp.n > 0 {
				next = e.advanceLit(next, sp, start, end, sc)
			}
		}
		if sc.indirect {
			ok = false
			break
		}
		cur, next = next, cur
	}
	sc.live, sc.live2 = cur, next
	if !ok || z.NonASCII() {
		return nil, false
	}
	if len(sc.cands) == 0 {
		return nil, true
	}
	return e.literalHits(text, han, words, sc), true
}

// literalHits are finish's hits of the candidates: in lexicon order, the
// first pattern of a rule that occurs gives its Hit, at its first
// occurrence; languages as segmentLangs.
func (e *Engine) literalHits(text string, han, words bool, sc *scratch) []Hit {
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
	// Direct patterns are never filtered (their anchor is the phrase).
	out := append(sc.out[:0], sc.cands...)
	slices.Sort(out)
	sc.out = out
	fire := sc.lhits[:0]
	for _, id := range out {
		p := e.patterns[id]
		ph := han || p.rule.romanized
		if p.langs&langs == 0 && !(ph && p.langs&langZh != 0) {
			continue
		}
		if sc.fired[p.rule.index-1] == sc.gen {
			continue
		}
		sc.fired[p.rule.index-1] = sc.gen
		bs, be := sc.pos[id][0], sc.pos[id][1]
		fire = append(fire, litHit{key: uint64(bs)<<32 | uint64(e.ruleRank[p.rule.index-1]), id: id, bs: bs, be: be})
	}
	sc.lhits = fire
	if len(fire) == 0 {
		return nil
	}
	// sortedCopy's order (start, rule id, lexicon order), sorting the
	// small records by one integer and writing each Hit once, into the
	// result: at 10,000 rules a segment breaks about 20, and building them
	// in the scratch, then copying them out sorted by string compares, was
	// half of the call. A rule fires once, so the key is unique.
	slices.SortFunc(fire, func(x, y litHit) int { return cmp.Compare(x.key, y.key) })
	res := make([]Hit, len(fire))
	for i, f := range fire {
		p := e.patterns[f.id]
		r, h := p.rule.rule, &res[i]
		h.RuleID, h.Category, h.Severity, h.Reminder, h.Policy = r.ID, r.Category, r.Severity, r.Reminder, r.Policy
		h.Pattern, h.MatchedText, h.Via, h.Score = p.src, text[f.bs:f.be], "exact", 1
		h.Start, h.End = time.Duration(f.bs), time.Duration(f.be)
	}
	return res
}

// litHit is a hit of the literal path before it becomes a Hit: its
// pattern and byte span.
type litHit struct {
	key        uint64 // start byte << 32 | the rule's rank (ruleRank)
	id, bs, be int32
}

// advanceLit is advance on the literal path, for a path that started at
// byte lo and whose token ends at byte end. Its first output of a pattern
// is the pattern's first occurrence; an output that is not direct sets
// sc.indirect (the text goes down the general path).
func (e *Engine) advanceLit(next []live, sp edgeSpan, lo, end int32, sc *scratch) []live {
	for _, to := range e.auto.targets[sp.off : sp.off+sp.n] {
		next = sc.push(next, live{node: to, lo: lo, hi: lo})
		for _, id := range e.auto.outputs(to) {
			if !e.patterns[id].direct {
				sc.indirect = true
				continue
			}
			if sc.stamp[id] != sc.gen {
				sc.stamp[id] = sc.gen
				sc.pos[id] = [2]int32{lo, end}
				sc.cands = append(sc.cands, id)
			}
		}
	}
	return next
}
