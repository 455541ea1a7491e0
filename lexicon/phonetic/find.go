package phonetic

import (
	"cmp"
	"hash/maphash"
	"slices"
	"strings"
)

// Find returns the approximate occurrences of indexed phrases in words.
// Matches start and end on word boundaries; words without a pronunciation
// are never part of a match. There is at most one match per (ID, StartWord),
// and overlapping matches of the same ID are reduced to the best one (lowest
// distance, then fewest words). Matches are sorted by StartWord, then ID.
func (ix *Index) Find(words []string) []Match { return ix.FindAmong(words, nil) }

// FindAmong is Find for the phrases whose id allow accepts (nil: all): a
// caller that knows most phrases cannot be plausible here saves their
// alignments.
func (ix *Index) FindAmong(words []string, allow func(id int) bool) []Match {
	sc := ix.scratch.Get().(*filterScratch)
	defer ix.scratch.Put(sc)
	utt := ix.pronounceAll(words, sc)
	ok := func(int32) bool { return true }
	if allow != nil {
		// The filter asks once per posting; the caller's answer is per
		// phrase, so it is asked once per entry and call.
		sc.growAllow(len(ix.entries))
		ok = func(en int32) bool {
			if sc.allowGen[en] != sc.gen {
				sc.allowGen[en], sc.allowOK[en] = sc.gen, allow(ix.entries[en].id)
			}
			return sc.allowOK[en]
		}
	}
	return ix.alignCandidates(utt, ix.filter.candidates(utt, len(ix.entries), sc, ok), sc, false)
}

// alignCandidates drops the starts the bag bound excludes (bag.go) and
// aligns each candidate from the others; with groups, the candidates are
// leads (entry.lead) and every variant of each lead's group is aligned
// from the starts its merged phrase leaves (merge.go).
func (ix *Index) alignCandidates(utt [][]string, cands []candidate, sc *filterScratch, groups bool) []Match {
	if len(cands) == 0 {
		return nil
	}
	sc.bag.build(ix.filter, utt, sc.uslots)
	out := sc.matches[:0]
	for _, c := range cands {
		e := &ix.entries[c.entry]
		if !prune(e, c.starts, &sc.bag) {
			continue
		}
		if !groups {
			out = ix.alignEntry(e, utt, c.starts, &sc.align, out)
			continue
		}
		if e.merged != "" && !ix.boundStarts(e, utt, c.starts, &sc.align) {
			continue
		}
		for _, v := range e.same {
			out = ix.alignEntry(&ix.entries[v], utt, c.starts, &sc.align, out)
		}
	}
	sc.matches = out[:0]
	return reduce(out)
}

// pronounceAll looks up every word; nil marks an unknown word. The
// result lives in sc until its next call, and so do the words' phone
// classes (sc.ucls: per pronunciation, its phones' filter classes, which
// FindIDs' n-gram table reads). Words go through the index's word cache
// first: a live stream says the same few thousand words over and over,
// and the dictionary's map of 130,000 words misses the CPU's caches on
// most lookups; a compound is split once per cache entry. The cache is
// the index's, not a pooled scratch's: the runtime empties pools at every
// garbage collection, and refilling a scratch's cache from the map was a
// fifth of phonetic matching. It is set-associative (wordWays ways), the
// word last looked up first in its set.
func (ix *Index) pronounceAll(words []string, sc *filterScratch) [][]string {
	out, cls, slots := sc.utt[:0], sc.ucls[:0], sc.uslots[:0]
	for _, w := range words {
		ws := ix.cachedWord(w)
		out, cls, slots = append(out, ws.prons), append(cls, ws.cls), append(slots, ws)
	}
	sc.utt, sc.ucls, sc.uslots = out, cls, slots
	return out
}

// cachedWord returns w's cache entry, looking it up on a miss. A word
// found in a later way swaps with the first, so a set's words sort
// themselves by use; a new word enters first and the last way's leaves.
// Entries are immutable and replaced whole: a race with another caller
// may lose an entry or hold one twice, never a wrong one.
func (ix *Index) cachedWord(w string) *wordSlot {
	set := ix.words[maphash.String(ix.seed, w)&(wordCacheSize-1)&^(wordWays-1):][:wordWays]
	first := set[0].Load()
	if first != nil && first.word == w {
		return first
	}
	for j := 1; j < wordWays; j++ {
		ws := set[j].Load()
		if ws == nil {
			break // ways fill in order: the rest are empty
		}
		if ws.word == w {
			set[0].Store(ws)
			set[j].Store(first)
			return ws
		}
	}
	for j := wordWays - 1; j > 0; j-- {
		set[j].Store(set[j-1].Load())
	}
	ws := ix.wordSlot(w)
	set[0].Store(ws)
	return ws
}

// wordSlot looks w up in the dictionary for the word cache.
func (ix *Index) wordSlot(w string) *wordSlot {
	n := normalizeWord(w)
	prons, ok := ix.dict.words[n]
	if !ok {
		prons = ix.dict.lookup(n)
	}
	f := ix.filter
	ws := &wordSlot{word: strings.Clone(w), prons: prons, cls: make([]string, len(prons)), bag: make([]uint16, f.nDense)}
	cnt := make([]uint16, f.nDense)
	for i, p := range prons {
		b := make([]byte, len(p))
		clear(cnt)
		for j := range b {
			b[j] = f.class[p[j]]
			cnt[f.dense[p[j]]]++
		}
		ws.cls[i] = string(b)
		for c, n := range cnt {
			ws.bag[c] = max(ws.bag[c], n)
		}
	}
	return ws
}

// wordCacheSize is the number of slots of the index's word cache (a power
// of two), in sets of wordWays: a stream's few thousand words seldom put
// a fifth in one set. With pairs instead, 1,150 distinct words of the
// shipped benchmark missed 105 times a round (three words in a pair evict
// each other every time they come round), each a dictionary lookup and
// four allocations; with four ways, none.
const (
	wordCacheSize = 8192
	wordWays      = 4
)

type wordSlot struct {
	word  string
	prons []string
	cls   []string // per pronunciation, its phones' filter classes
	bag   []uint16 // per dense class, the most phones of it a pronunciation has (bag.go)
}

// reduce keeps, per ID, the best of overlapping matches. better and the
// final order are total on what can be kept (two matches of an ID at one
// start overlap), so the sorts' instability changes nothing; slices'
// sorts allocate nothing, sort.Slice's swapper did, every call.
func reduce(ms []Match) []Match {
	if len(ms) == 0 {
		return nil
	}
	slices.SortFunc(ms, func(a, b Match) int {
		switch {
		case better(a, b):
			return -1
		case better(b, a):
			return 1
		}
		return 0
	})
	var out []Match
	for _, m := range ms {
		if !overlapsKept(out, m) {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b Match) int {
		if a.StartWord != b.StartWord {
			return cmp.Compare(a.StartWord, b.StartWord)
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}

func better(a, b Match) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	if la, lb := a.EndWord-a.StartWord, b.EndWord-b.StartWord; la != lb {
		return la < lb
	}
	if a.ID != b.ID {
		return a.ID < b.ID
	}
	return a.StartWord < b.StartWord
}

func overlapsKept(kept []Match, m Match) bool {
	for _, k := range kept {
		if k.ID == m.ID && k.StartWord < m.EndWord && m.StartWord < k.EndWord {
			return true
		}
	}
	return false
}
