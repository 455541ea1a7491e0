package phonetic

import (
	"hash/maphash"
	"sort"
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
// fifth of phonetic matching. It has two ways: a word is in its slot or
// the other of its pair, the one last looked up first.
func (ix *Index) pronounceAll(words []string, sc *filterScratch) [][]string {
	out, cls, slots := sc.utt[:0], sc.ucls[:0], sc.uslots[:0]
	for _, w := range words {
		i := maphash.String(ix.seed, w) & (wordCacheSize - 1)
		slot, other := &ix.words[i], &ix.words[i^1]
		ws := slot.Load()
		if ws == nil || ws.word != w {
			switch o := other.Load(); {
			case o != nil && o.word == w:
				slot.Store(o) // a race with another caller leaves either; both are right
				other.Store(ws)
				ws = o
			default:
				other.Store(ws)
				ws = ix.wordSlot(w)
				slot.Store(ws)
			}
		}
		out, cls, slots = append(out, ws.prons), append(cls, ws.cls), append(slots, ws)
	}
	sc.utt, sc.ucls, sc.uslots = out, cls, slots
	return out
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
// of two), in pairs: 8,192, so that a stream's few thousand words seldom
// put three in one pair (at 4,096 one word in ten of 1,200 did, and was
// looked up in the dictionary every time it came round).
const wordCacheSize = 8192

type wordSlot struct {
	word  string
	prons []string
	cls   []string // per pronunciation, its phones' filter classes
	bag   []uint16 // per dense class, the most phones of it a pronunciation has (bag.go)
}

// reduce keeps, per ID, the best of overlapping matches.
func reduce(ms []Match) []Match {
	sort.Slice(ms, func(i, j int) bool { return better(ms[i], ms[j]) })
	var out []Match
	for _, m := range ms {
		if !overlapsKept(out, m) {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].StartWord != out[j].StartWord {
			return out[i].StartWord < out[j].StartWord
		}
		return out[i].ID < out[j].ID
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
