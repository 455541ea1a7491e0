package lexicon

import (
	"github.com/earshot/earshot/analysis"
	"github.com/earshot/earshot/analysis/pinyin"
)

// Keys are what the automaton reads. At compile time every key an anchor
// uses is a string (elemKeys: "h"+character, "s"+fuzzy syllable, "w"+word,
// "t"+stem, "p"+prefix, "j"+joined word, "i"+initial, "d"+digits) interned
// as a dense id. At run time a token's keys are found by kind in tables
// built from those strings, so the hot path builds no strings and looks up
// only what some pattern uses: a character is one array load, a syllable
// another, a word one map access.
type keyTables struct {
	han []int32 // rune-cjkLo -> "h" key, -1 none
	// hanSet has bit r-cjkLo set when han has a key for r: 3.4 KB that
	// stay in cache, so a character no pattern uses (most, at 100 rules)
	// skips the 108 KB table.
	hanSet  []uint64
	hanMap  map[rune]int32
	syl     []int32 // fuzzy syllable -> "s" key, -1 none
	initial [256]int32
	digits  strIDs
	word    strIDs
	stem    strIDs
	prefix  strIDs
	join    strIDs
	// joinHead holds the first pieces a joined spelling can start with
	// (every prefix of a join key of at least minJoinPiece letters): a
	// word that is none starts no joined key, and most words are none.
	joinHead strIDs
	// stemRoot says which words may stem to a pattern's stem: a stem shares
	// all but at most its last letters with its word (Porter only rewrites
	// suffixes; over the CMU dictionary at most one letter differs), so a
	// word is stemmed only when its first letters start some stem.
	stemRoot1 [26]bool
	stemRoot2 [26 * 26]bool
	stemRoot3 [26 * 26 * 26]bool
	knownStem strIDs // pattern words: their "t" key (-1: none)
	// readings: some pattern uses a syllable or initial key. Literal
	// lexicons use none, and their tokens skip the reading lookups.
	readings bool
	// wordOnly: a word's only possible key is its "w" key (no stems,
	// prefixes or joined spellings), as in a literal lexicon.
	wordOnly bool
}

const cjkLo, cjkHi = 0x3400, 0x9fff

// buildKeyTables sorts the interned keys into per-kind tables.
func (e *Engine) buildKeyTables() {
	kt := &e.kt
	kt.han = make([]int32, cjkHi-cjkLo+1)
	kt.hanSet = make([]uint64, (len(kt.han)+63)/64)
	for i := range kt.han {
		kt.han[i] = -1
	}
	kt.syl = make([]int32, e.py.Len())
	for i := range kt.syl {
		kt.syl[i] = -1
	}
	for i := range kt.initial {
		kt.initial[i] = -1
	}
	kt.hanMap = map[rune]int32{}
	digits, word, stem, prefix, join, known := map[string]int32{}, map[string]int32{},
		map[string]int32{}, map[string]int32{}, map[string]int32{}, map[string]int32{}
	for k, id := range e.keyIDs {
		v := k[1:]
		switch k[0] {
		case 'h':
			r := []rune(v)[0]
			if cjkLo <= r && r <= cjkHi {
				kt.han[r-cjkLo] = id
				kt.hanSet[(r-cjkLo)/64] |= 1 << ((r - cjkLo) % 64)
			} else {
				kt.hanMap[r] = id
			}
		case 's':
			kt.syl[pinyin.Syllable(v[0])<<8|pinyin.Syllable(v[1])] = id
			kt.readings = true
		case 'i':
			kt.initial[v[0]] = id
			kt.readings = true
		case 'd':
			digits[v] = id
		case 'w':
			word[v] = id
		case 't':
			stem[v] = id
			kt.addStemRoot(v)
		case 'p':
			prefix[v] = id
		case 'j':
			join[v] = id
		}
	}
	for _, p := range e.patterns {
		for _, el := range p.elems {
			if len(stem) > 0 && el.tok.Kind == analysis.Word {
				if id, ok := stem[el.tok.Stem]; ok {
					known[el.tok.Text] = id
				} else {
					known[el.tok.Text] = -1
				}
			}
		}
	}
	kt.wordOnly = len(stem) == 0 && len(prefix) == 0 && !(e.joins && len(join) > 0)
	kt.digits, kt.word, kt.stem = newStrIDs(digits), newStrIDs(word), newStrIDs(stem)
	// The prefix table also holds every shorter start of a prefix key
	// (id -2, no key), so a word's prefixes are looked up only while
	// some key can still begin with them.
	for v := range prefix {
		for l := 2; l < len(v); l++ {
			if _, ok := prefix[v[:l]]; !ok {
				prefix[v[:l]] = -2
			}
		}
	}
	kt.prefix, kt.join, kt.knownStem = newStrIDs(prefix), newStrIDs(join), newStrIDs(known)
	heads := map[string]int32{}
	for v := range join {
		for l := minJoinPiece; l < len(v); l++ {
			heads[v[:l]] = 0
		}
	}
	kt.joinHead = newStrIDs(heads)
}

func (kt *keyTables) addStemRoot(s string) {
	root := s[:max(1, len(s)-2)]
	for i := 0; i < len(root) && i < 3; i++ {
		if root[i] < 'a' || root[i] > 'z' {
			kt.stemRoot1[0], kt.stemRoot1[25] = true, true // non-ASCII: see mayStem
			return
		}
	}
	a := int(root[0] - 'a')
	switch {
	case len(root) == 1:
		kt.stemRoot1[a] = true
	case len(root) == 2:
		kt.stemRoot2[a*26+int(root[1]-'a')] = true
	default:
		kt.stemRoot3[(a*26+int(root[1]-'a'))*26+int(root[2]-'a')] = true
	}
}

// mayStem reports whether w could stem to some pattern's stem.
func (kt *keyTables) mayStem(w string) bool {
	for i := 0; i < len(w) && i < 3; i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return true // not plain ASCII: stem it
		}
	}
	a := int(w[0] - 'a')
	if kt.stemRoot1[a] {
		return true
	}
	if len(w) < 2 {
		return false
	}
	b := a*26 + int(w[1]-'a')
	if kt.stemRoot2[b] {
		return true
	}
	return len(w) >= 3 && kt.stemRoot3[b*26+int(w[2]-'a')]
}

// hanKey is the "h" key of a character, -1 when no pattern uses it.
func (kt *keyTables) hanKey(r rune) int32 {
	if cjkLo <= r && r <= cjkHi {
		if kt.hanSet[(r-cjkLo)/64]&(1<<((r-cjkLo)%64)) == 0 {
			return -1
		}
		return kt.han[r-cjkLo]
	}
	if id, ok := kt.hanMap[r]; ok {
		return id
	}
	return -1
}

// tokenKeys appends to out the keys token i satisfies that some pattern
// uses (the mirror of elemKeys and anchorKeys). han says whether the
// segment is Chinese (chineseContext): only then, or for a conventional
// spelling, is a Latin word also read as Chinese (letters, typed pinyin,
// initials), as the verifier does (latinAsChinese). It stems a word only
// when some pattern may need its stem, and fills toks[i].Stem for the
// verifier when it does.
func (e *Engine) tokenKeys(toks []analysis.Token, i int, han bool, sc *scratch, out []int32) []int32 {
	kt := &e.kt
	t := &toks[i]
	add := func(id int32) {
		if id < 0 {
			return
		}
		for _, x := range out {
			if x == id {
				return
			}
		}
		out = append(out, id)
	}
	if t.Digits != "" {
		add(kt.digits.id(t.Digits))
	}
	switch t.Kind {
	case analysis.Han:
		add(kt.hanKey(t.Han))
		if !kt.readings {
			break
		}
		for _, s := range t.Syllables {
			add(kt.syl[e.py.Fuzzy(s)])
		}
	case analysis.Word:
		w := t.Text
		ids, joinHead := e.wordKeys(t, sc)
		for _, id := range ids {
			add(id)
		}
		if e.joins && kt.join.n > 0 && joinHead {
			out = e.joinKeys(toks, i, sc, out)
		}
		if !kt.readings {
			break
		}
		// One-letter words carry their letter readings (v: wei) and match
		// Latin pattern elements by sound whatever the segment's language.
		for _, s := range t.Syllables {
			add(kt.syl[e.py.Fuzzy(s)])
		}
		if latinAsChinese(w, han || e.romanized) {
			if len(w) > 1 && len(w) <= 4 {
				for k := 0; k < len(w); k++ {
					for _, s := range e.py.Letter(w[k]) {
						add(kt.syl[e.py.Fuzzy(s)])
					}
				}
			}
			for _, s := range e.py.Segments(w) {
				add(kt.syl[e.py.Fuzzy(s)])
			}
			if len(w) >= 2 && len(w) <= 6 {
				// initials (vx) and mixed forms (weix): every letter may
				// be an initial
				for k := 0; k < len(w); k++ {
					c := w[k]
					if c == 'v' {
						c = 'w'
					}
					add(kt.initial[c])
				}
			}
		}
	}
	return out
}

// joinKeys adds "j" keys for 2-3 words starting at i spelled together, so
// a one-word pattern finds its split ASR spelling (see verifier.join).
// Word i may begin one (wordKeys' joinHead).
func (e *Engine) joinKeys(toks []analysis.Token, i int, sc *scratch, out []int32) []int32 {
	sc.key = append(sc.key[:0], toks[i].Text...)
	for j := i + 1; j < len(toks) && j < i+maxJoin; j++ {
		t := &toks[j]
		if t.Kind != analysis.Word || len(t.Text) < minJoinPiece {
			return out
		}
		sc.key = append(sc.key, t.Text...)
		if id, ok := e.kt.join.get(string(sc.key)); ok {
			out = append(out, id)
		}
	}
	return out
}
