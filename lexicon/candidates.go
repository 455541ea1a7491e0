package lexicon

import (
	"slices"
	"unicode"

	"github.com/earshot/earshot/analysis"
	"github.com/earshot/earshot/analysis/pinyin"
)

// scratch is per-call working memory, pooled so the hot path does not
// allocate per pattern. stamp marks patterns seen in this call (gen), pos
// holds the token range where their anchor keys occurred.
type scratch struct {
	gen    uint32
	stamp  []uint32
	stamp2 []uint32 // second-anchor keys seen in this call
	pos    [][2]int32
	cands  []int32
	key    []byte
	tk     []int32            // known key ids of every token, flat
	toff   []int32            // token i's ids are tk[toff[i]:toff[i+1]]
	tz     analysis.Tokenizer // its buffers are reused across calls
}

// candidates selects the phrase patterns whose anchor keys (a pair of
// adjacent elements, else the rarest element) occur in toks.
func (e *Engine) candidates(toks []analysis.Token, sc *scratch) []int32 {
	sc.gen++
	if sc.gen == 0 { // wrapped: clear stale stamps
		clear(sc.stamp)
		clear(sc.stamp2)
		sc.gen = 1
	}
	sc.cands = sc.cands[:0]
	if e.noIndex {
		for id, p := range e.patterns {
			if p.digits == 0 {
				sc.add(int32(id), 0)
				sc.add(int32(id), int32(len(toks)-1))
			}
		}
		return sc.cands
	}
	e.collectKeys(toks, sc)
	keys := func(i int) []int32 { return sc.tk[sc.toff[i]:sc.toff[i+1]] }
	for i := range toks {
		for _, k := range keys(i) {
			for _, id := range e.second[k] {
				sc.stamp2[id] = sc.gen
			}
		}
	}
	for i := range toks {
		for _, k := range keys(i) {
			for _, id := range e.uni[k] {
				if !e.patterns[id].filtered || sc.stamp2[id] == sc.gen {
					sc.add(id, int32(i))
				}
			}
		}
	}
	if len(e.pairs) > 0 {
		e.pairCandidates(toks, sc, keys)
	}
	// Lexicon order: when several patterns of a rule match, the first one
	// listed gives the Hit, whichever key found it.
	slices.Sort(sc.cands)
	return sc.cands
}

func (e *Engine) pairCandidates(toks []analysis.Token, sc *scratch, keys func(int) []int32) {
	for i := range toks {
		ki := keys(i)
		if toks[i].Kind == analysis.Word { // one word covering two elements
			e.pairsAt(ki, ki, 0, i, sc)
		}
		for d := 1; d <= e.maxDist && i+d < len(toks); d++ {
			e.pairsAt(ki, keys(i+d), d, i, sc)
		}
	}
}

// pairsAt adds the patterns keyed by a pair of keys seen d tokens apart.
func (e *Engine) pairsAt(a, b []int32, d, at int, sc *scratch) {
	for _, x := range a {
		for _, y := range b {
			for _, id := range e.pairs[pairKey(x, y)] {
				if d <= e.patterns[id].slop+1 {
					sc.add(id, int32(at))
				}
			}
		}
	}
}

// collectKeys fills sc.tk/sc.toff with the ids of the keys each token
// emits that some pattern uses.
func (e *Engine) collectKeys(toks []analysis.Token, sc *scratch) {
	sc.tk, sc.toff = sc.tk[:0], append(sc.toff[:0], 0)
	for i := range toks {
		e.tokenKeys(toks, i, sc, func(key []byte) {
			if id, ok := e.keyIDs[string(key)]; ok {
				sc.tk = appendID(sc.tk, id, sc.toff[len(sc.toff)-1])
			}
		})
		sc.toff = append(sc.toff, int32(len(sc.tk)))
	}
}

// appendID appends id unless the current token (from start) has it.
func appendID(tk []int32, id, start int32) []int32 {
	for _, x := range tk[start:] {
		if x == id {
			return tk
		}
	}
	return append(tk, id)
}

func (sc *scratch) add(id, at int32) {
	if sc.stamp[id] != sc.gen {
		sc.stamp[id] = sc.gen
		sc.pos[id] = [2]int32{at, at}
		sc.cands = append(sc.cands, id)
		return
	}
	sc.pos[id][0] = min(sc.pos[id][0], at)
	sc.pos[id][1] = max(sc.pos[id][1], at)
}

// tokenKeys emits every index key a text token can satisfy (mirror of
// elemKeys and anchorKeys).
func (e *Engine) tokenKeys(toks []analysis.Token, i int, sc *scratch, emit func([]byte)) {
	t := &toks[i]
	k := func(prefix byte, s string) {
		sc.key = append(append(sc.key[:0], prefix), s...)
		emit(sc.key)
	}
	ks := func(prefix byte, s pinyin.Syllable) {
		sc.key = append(sc.key[:0], prefix, byte(s>>8), byte(s))
		emit(sc.key)
	}
	if t.Digits != "" {
		k('d', t.Digits)
	}
	switch t.Kind {
	case analysis.Han:
		k('h', t.Text)
		for _, s := range t.Syllables {
			ks('s', e.py.Fuzzy(s))
		}
	case analysis.Word:
		k('w', t.Text)
		k('t', t.Stem)
		for l := 2; l <= min(len(t.Text), e.maxPrefix); l++ {
			k('p', t.Text[:l])
		}
		e.soundKeys(t, ks)
		e.joinKeys(toks, i, sc, emit)
		if abbreviation(t.Text) {
			for i := 0; i < len(t.Text); i++ {
				c := t.Text[i]
				if c == 'v' {
					c = 'w'
				}
				k('i', string(c))
			}
		}
	}
}

// soundKeys emits syllable keys for a Latin word read as Chinese: letters
// (V, QQ) or typed pinyin (weixin).
func (e *Engine) soundKeys(t *analysis.Token, ks func(byte, pinyin.Syllable)) {
	if len(t.Text) <= 4 {
		for i := 0; i < len(t.Text); i++ {
			for _, s := range e.py.Letter(t.Text[i]) {
				ks('s', e.py.Fuzzy(s))
			}
		}
	}
	for _, s := range e.py.Segments(t.Text) {
		ks('s', e.py.Fuzzy(s))
	}
}

// joinKeys emits "j" keys for 2-3 words starting at i spelled together, so
// a one-word pattern finds its split ASR spelling (see verifier.join).
func (e *Engine) joinKeys(toks []analysis.Token, i int, sc *scratch, emit func([]byte)) {
	if !e.joins || len(toks[i].Text) < minJoinPiece {
		return
	}
	sc.key = append(append(sc.key[:0], 'j'), toks[i].Text...)
	for j := i + 1; j < len(toks) && j < i+maxJoin; j++ {
		t := &toks[j]
		if t.Kind != analysis.Word || len(t.Text) < minJoinPiece {
			return
		}
		sc.key = append(sc.key, t.Text...)
		emit(sc.key)
	}
}

// abbreviation: 2-6 ASCII letters with no vowel, like vx, wx, zfb.
func abbreviation(w string) bool {
	if len(w) < 2 || len(w) > 6 {
		return false
	}
	for _, r := range w {
		if r > unicode.MaxASCII || !unicode.IsLetter(r) {
			return false
		}
		switch r {
		case 'a', 'e', 'i', 'o', 'u':
			return false
		}
	}
	return true
}
