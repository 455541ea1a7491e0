package lexicon

import (
	"strings"

	"github.com/earshot/earshot/analysis"
)

// The keys of an English word that depend on its text alone: its word,
// stem and prefix keys, the stem the verifier reads, whether it may begin
// a join. tokenKeys looked them up in four to eight tables per word (and
// stemmed it), an eighth of matching English with the shipped lexicon;
// speech repeats its words, so the engine keeps them in a cache of recent
// words, and a word said again costs one lookup. The cache is the
// engine's, not a pooled scratch's (the runtime empties pools at garbage
// collections), shared by its callers: a slot holds an immutable entry,
// replaced whole, so a race leaves one caller's entry or the other's,
// both right.

// wordKey is a cached word's keys.
type wordKey struct {
	word string // copied: the text's own bytes must not stay alive
	stem string // the stem lookupWord computed, "" for none
	// vstem is the word's stem, what Token.Stem is filled with: the
	// verifier compares stems (stemOf), and stemming every candidate's
	// tokens afresh was a fiftieth of matching English with the shipped
	// lexicon.
	vstem    string
	ids      [maxWordKeys]int32
	n        int8 // -1: more than maxWordKeys, looked up every time
	joinHead bool // it may begin a join (joinKeys)
}

// maxWordKeys bounds the keys a word keeps in the cache: one with more (a
// long word under many wildcard prefixes) is looked up every time.
const maxWordKeys = 6

// wordCacheSize is the slots of the cache (a power of two), in sets of
// wordWays: a word is in one of its set's ways, the one last looked up
// first. A stream's vocabulary is a few thousand words; with pairs, three
// words in one pair evicted each other every time they came round (a
// hundred lookups afresh a round of the shipped benchmark's 1,150 words),
// with four ways a fifth word in a set is rare. 64 KB of pointers an
// engine.
const (
	wordCacheSize = 8192
	wordWays      = 4
)

// wordKeys returns the keys of t's text and whether it may begin a join,
// and fills t.Stem with its stem (stemOf's). The keys are valid until the
// next call with sc.
func (e *Engine) wordKeys(t *analysis.Token, sc *scratch) ([]int32, bool) {
	k := e.cachedWord(t.Text, sc)
	if t.Stem != "" && t.Stem != k.vstem {
		// Stemmed otherwise already: its stem decides, not the cache. A
		// token stemmed here before (the typed and spelled readings scan
		// copies of the tokens) has the cache's stem and keeps the cache.
		ids, _, join := e.lookupWord(t.Text, t.Stem, sc.wtmp[:0])
		sc.wtmp = ids
		return ids, join
	}
	t.Stem = k.vstem
	if k.n < 0 {
		ids, _, _ := e.lookupWord(t.Text, k.stem, sc.wtmp[:0])
		sc.wtmp = ids
		return ids, k.joinHead
	}
	return k.ids[:k.n], k.joinHead
}

// cachedWord returns w's cache entry, looking it up on a miss. A word
// found in a later way swaps with the first; a new word enters first and
// the last way's leaves.
func (e *Engine) cachedWord(w string, sc *scratch) *wordKey {
	set := e.words[strHash(w)&(wordCacheSize-1)&^(wordWays-1):][:wordWays]
	first := set[0].Load()
	if first != nil && first.word == w {
		return first
	}
	for j := 1; j < wordWays; j++ {
		k := set[j].Load()
		if k == nil {
			break // ways fill in order: the rest are empty
		}
		if k.word == w {
			set[0].Store(k)
			set[j].Store(first)
			return k
		}
	}
	for j := wordWays - 1; j > 0; j-- {
		set[j].Store(set[j-1].Load())
	}
	w = strings.Clone(w)
	ids, stem, join := e.lookupWord(w, "", sc.wtmp[:0])
	sc.wtmp = ids
	k := &wordKey{word: w, stem: stem, vstem: stem, n: -1, joinHead: join}
	if stem == "" {
		k.vstem = analysis.Stem(w)
	}
	if len(ids) <= maxWordKeys {
		k.n = int8(copy(k.ids[:], ids))
	}
	set[0].Store(k)
	return k
}

// lookupWord appends word w's keys to ids (stem is its stem when known)
// and returns them, the stem it computed ("" when none or known), and
// whether w may begin a join.
func (e *Engine) lookupWord(w, stem string, ids []int32) ([]int32, string, bool) {
	kt := &e.kt
	add := func(id int32) {
		if id >= 0 && !slicesContains(ids, id) {
			ids = append(ids, id)
		}
	}
	add(kt.word.id(w))
	computed := ""
	if kt.stem.n > 0 {
		switch id, known := kt.knownStem.get(w); {
		case stem != "":
			add(kt.stem.id(stem))
		case known:
			add(id)
		case kt.mayStem(w):
			computed = analysis.Stem(w)
			add(kt.stem.id(computed))
		}
	}
	if kt.prefix.n > 0 {
		for l := 2; l <= min(len(w), e.maxPrefix); l++ {
			id, ok := kt.prefix.get(w[:l])
			if !ok {
				break // no prefix key begins with w[:l]
			}
			add(id) // -2: only the start of one
		}
	}
	join := false
	if len(w) >= minJoinPiece {
		_, join = kt.joinHead.get(w)
	}
	return ids, computed, join
}

func slicesContains(s []int32, x int32) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}
