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
	word     string // copied: the text's own bytes must not stay alive
	stem     string // what Token.Stem is filled with, "" for nothing
	ids      [maxWordKeys]int32
	n        int8 // -1: more than maxWordKeys, looked up every time
	joinHead bool // it may begin a join (joinKeys)
}

// maxWordKeys bounds the keys a word keeps in the cache: one with more (a
// long word under many wildcard prefixes) is looked up every time.
const maxWordKeys = 6

// wordCacheSize is the slots of the cache (a power of two), in pairs: a
// word is in its slot or the other of its pair, the one last looked up
// first, so two words hashed to one pair do not evict each other. A
// stream's vocabulary is a few thousand words; with 4,096 slots a third
// word in a pair (one word in ten at 1,200 words) was looked up afresh
// every time it came round. 64 KB of pointers an engine.
const wordCacheSize = 8192

// wordKeys returns the keys of t's text and whether it may begin a join,
// and fills t.Stem as the verifier wants it. The keys are valid until the
// next call with sc.
func (e *Engine) wordKeys(t *analysis.Token, sc *scratch) ([]int32, bool) {
	if t.Stem != "" { // stemmed already: its stem decides, not the cache
		ids, _, join := e.lookupWord(t.Text, t.Stem, sc.wtmp[:0])
		sc.wtmp = ids
		return ids, join
	}
	i := strHash(t.Text) & (wordCacheSize - 1)
	slot, other := &e.words[i], &e.words[i^1]
	k := slot.Load()
	switch o := other.Load(); {
	case k != nil && k.word == t.Text:
	case o != nil && o.word == t.Text:
		slot.Store(o)
		other.Store(k)
		k = o
	default:
		w := strings.Clone(t.Text)
		ids, stem, join := e.lookupWord(w, "", sc.wtmp[:0])
		sc.wtmp = ids
		other.Store(k)
		k = &wordKey{word: w, stem: stem, n: -1, joinHead: join}
		if len(ids) <= maxWordKeys {
			k.n = int8(copy(k.ids[:], ids))
		}
		slot.Store(k)
	}
	if k.stem != "" {
		t.Stem = k.stem
	}
	if k.n < 0 {
		ids, _, _ := e.lookupWord(t.Text, k.stem, sc.wtmp[:0])
		sc.wtmp = ids
		return ids, k.joinHead
	}
	return k.ids[:k.n], k.joinHead
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
