package phonetic

import (
	"math"
	"sort"
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
	utt := ix.pronounceAll(words)
	cands := ix.filter.candidates(utt, len(ix.entries))
	if len(cands) == 0 {
		return nil
	}
	var out []Match
	var buf dpBuffers
	for _, c := range cands {
		e := &ix.entries[c.entry]
		if allow != nil && !allow(e.id) {
			continue
		}
		out = append(out, ix.matchEntry(e, utt, c.starts, &buf)...)
	}
	return reduce(out)
}

// pronounceAll looks up every word; nil marks an unknown word.
func (ix *Index) pronounceAll(words []string) [][]string {
	out := make([][]string, len(words))
	for i, w := range words {
		out[i] = ix.dict.lookup(normalizeWord(w))
	}
	return out
}

// dpBuffers are reused across entries within one Find.
type dpBuffers struct{ cur, next, best []int }

func (b *dpBuffers) reset(m int) {
	if cap(b.cur) < m+1 {
		b.cur, b.next, b.best = make([]int, m+1), make([]int, m+1), make([]int, m+1)
	}
	b.cur, b.next, b.best = b.cur[:m+1], b.next[:m+1], b.best[:m+1]
}

// matchEntry aligns one phrase variant at the given start words and keeps
// the cheapest end per start.
func (ix *Index) matchEntry(e *entry, utt [][]string, starts []bool, buf *dpBuffers) []Match {
	var out []Match
	m := len(e.phones)
	for s := range utt {
		if !starts[s] || len(utt[s]) == 0 {
			continue
		}
		buf.reset(m)
		state := buf.best
		for j := range state {
			state[j] = j * fullCost
		}
		bestCost, bestEnd := math.MaxInt, -1
		for w := s; w < len(utt) && len(utt[w]) > 0; w++ {
			if !ix.stepWord(e.phones, state, utt[w], buf, e.maxCost) {
				break
			}
			if c := state[m]; c <= e.maxCost && c < bestCost {
				bestCost, bestEnd = c, w+1
			}
		}
		if bestEnd > 0 {
			out = append(out, Match{ID: e.id, StartWord: s, EndWord: bestEnd,
				Distance: (bestCost + fullCost - 1) / fullCost,
				Score:    1 - float64(bestCost)/float64(m*fullCost)})
		}
	}
	return out
}

// stepWord advances the alignment state over one word, taking the best of
// its pronunciations per phrase position. It reports false when no
// alignment can stay within budget any more.
func (ix *Index) stepWord(phrase string, state []int, prons []string, buf *dpBuffers, budget int) bool {
	merged := buf.next
	for j := range merged {
		merged[j] = math.MaxInt
	}
	for _, p := range prons {
		copy(buf.cur, state)
		ix.stepPhones(phrase, buf.cur, p)
		for j, c := range buf.cur {
			merged[j] = min(merged[j], c)
		}
	}
	copy(state, merged)
	return minOf(state) <= budget
}

// stepPhones runs the edit-distance recurrence over the utterance phones
// in pron, updating d (d[j]: cost of aligning phrase[:j]) in place.
func (ix *Index) stepPhones(phrase string, d []int, pron string) {
	n := ix.nPhones
	for i := 0; i < len(pron); i++ {
		c := int(pron[i])
		diag := d[0]
		d[0] += fullCost // utterance phone before the phrase starts
		for j := 1; j < len(d); j++ {
			sub := diag + int(ix.cost[int(phrase[j-1])*n+c])
			diag = d[j]
			d[j] = min(sub, d[j]+fullCost, d[j-1]+fullCost)
		}
	}
}

func minOf(xs []int) int {
	m := math.MaxInt
	for _, x := range xs {
		m = min(m, x)
	}
	return m
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
