package lexicon

import "unicode"

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
}

// candidates selects the phrase patterns whose anchor keys occur in toks.
func (e *Engine) candidates(toks []token, sc *scratch) []int32 {
	sc.gen++
	if sc.gen == 0 { // wrapped: clear stale stamps
		clear(sc.stamp)
		clear(sc.stamp2)
		sc.gen = 1
	}
	sc.cands = sc.cands[:0]
	if len(e.second) > 0 {
		for i := range toks {
			e.tokenKeys(&toks[i], sc, func(key []byte) {
				for _, id := range e.second[string(key)] {
					sc.stamp2[id] = sc.gen
				}
			})
		}
	}
	for i := range toks {
		e.tokenKeys(&toks[i], sc, func(key []byte) {
			for _, id := range e.index[string(key)] {
				if !e.patterns[id].filtered || sc.stamp2[id] == sc.gen {
					sc.add(id, int32(i))
				}
			}
		})
	}
	return sc.cands
}

func (sc *scratch) add(id, at int32) {
	if sc.stamp[id] != sc.gen {
		sc.stamp[id] = sc.gen
		sc.pos[id] = [2]int32{at, at}
		sc.cands = append(sc.cands, id)
		return
	}
	sc.pos[id][1] = at
}

// tokenKeys emits every index key a text token can satisfy (mirror of
// elemKeys and anchorKeys).
func (e *Engine) tokenKeys(t *token, sc *scratch, emit func([]byte)) {
	k := func(prefix byte, s string) {
		sc.key = append(append(sc.key[:0], prefix), s...)
		emit(sc.key)
	}
	ks := func(prefix byte, s syl) {
		sc.key = append(sc.key[:0], prefix, byte(s>>8), byte(s))
		emit(sc.key)
	}
	if t.digits != "" {
		k('d', t.digits)
	}
	switch t.kind {
	case kindHan:
		k('h', t.text)
		for _, s := range t.syls {
			ks('s', e.py.fuzzy[s])
		}
	case kindWord:
		k('w', t.text)
		k('t', t.stem)
		for l := 2; l <= min(len(t.text), e.maxPrefix); l++ {
			k('p', t.text[:l])
		}
		e.soundKeys(t, ks)
		if abbreviation(t.text) {
			for i := 0; i < len(t.text); i++ {
				c := t.text[i]
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
func (e *Engine) soundKeys(t *token, ks func(byte, syl)) {
	if len(t.text) <= 4 {
		for i := 0; i < len(t.text); i++ {
			for _, s := range e.py.letters[t.text[i]] {
				ks('s', e.py.fuzzy[s])
			}
		}
	}
	for _, s := range e.py.segments(t.text) {
		ks('s', e.py.fuzzy[s])
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
