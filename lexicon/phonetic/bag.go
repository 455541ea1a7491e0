package phonetic

import "slices"

// A lossless bound before any alignment. An alignment of a phrase of m
// phones with the utterance's phones from start word s to end word w
// pays fullCost for every insertion, deletion and substitution across
// filter classes (cheaper substitutions stay within a class). So its cost
// is at least fullCost times
//   - |L - m|, L the span's phone count: the ends w are bounded by the
//     span's shortest and longest pronunciations;
//   - D, the phrase's phones of a class beyond the span's count of that
//     class (each is deleted or substituted across classes), counting for
//     each word its pronunciation with the most phones of the class;
//   - I = D - m + L, the span's phones left over the same way (L at
//     least the span's shortest pronunciation).
//
// A start whose bound exceeds the entry's budget for every end cannot
// yield a match, nor change one: the alignment keeps, per cell, the
// cheapest alignment and its latest start, and a start without any
// alignment within budget is never the cheapest of a cell within
// budget at the phrase's end. TestBagBoundIsLossless checks it on random
// starts, and TestFindEqualsReference the whole.

// classCount is how many of a phrase's phones fall in a (dense) class.
type classCount struct {
	class uint8
	n     uint16
}

// bagOf counts phones per dense class.
func (f *pieceFilter) bagOf(phones string) []classCount {
	var out []classCount
next:
	for i := 0; i < len(phones); i++ {
		c := f.dense[phones[i]]
		for j := range out {
			if out[j].class == c {
				out[j].n++
				continue next
			}
		}
		out = append(out, classCount{class: c, n: 1})
	}
	// The largest counts first: excess stops once past the budget, and
	// a big count is the likeliest to be short.
	slices.SortStableFunc(out, func(a, b classCount) int { return int(b.n) - int(a.n) })
	return out
}

// bagScratch holds one utterance's prefix sums: per word its shortest and
// longest pronunciation and, per dense class, the most phones of that
// class any of its pronunciations has; and where the next unknown word is.
type bagScratch struct {
	nc         int
	lmin, lmax []int32  // prefix sums over words, len words+1
	cnt        []uint16 // prefix sums, (words+1)*nc
	barrier    []int32  // first unknown word at or after w
}

// build fills b for utt, whose words' cache entries (pronounceAll) hold
// their per-class counts.
func (b *bagScratch) build(f *pieceFilter, utt [][]string, words []*wordSlot) {
	nc, nw := f.nDense, len(utt)
	b.nc = nc
	b.lmin, b.lmax = grow32(b.lmin, nw+1), grow32(b.lmax, nw+1)
	b.barrier = grow32(b.barrier, nw+1)
	if cap(b.cnt) < (nw+1)*nc {
		b.cnt = make([]uint16, (nw+1)*nc)
	}
	b.cnt = b.cnt[:(nw+1)*nc]
	clear(b.cnt[:nc])
	b.lmin[0], b.lmax[0] = 0, 0
	for w, prons := range utt {
		row, next := b.cnt[w*nc:(w+1)*nc], b.cnt[(w+1)*nc:(w+2)*nc]
		for c, n := range words[w].bag[:nc] {
			next[c] = row[c] + n
		}
		lo, hi := 0, 0
		for i, p := range prons {
			if i == 0 || len(p) < lo {
				lo = len(p)
			}
			hi = max(hi, len(p))
		}
		b.lmin[w+1], b.lmax[w+1] = b.lmin[w]+int32(lo), b.lmax[w]+int32(hi)
	}
	b.barrier[nw] = int32(nw)
	for w := nw - 1; w >= 0; w-- {
		if len(utt[w]) == 0 {
			b.barrier[w] = int32(w)
		} else {
			b.barrier[w] = b.barrier[w+1]
		}
	}
}

func grow32(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}

// prune clears the starts of e that cannot reach a match (b is built for
// the utterance) and reports whether any is left.
func prune(e *entry, starts []bool, b *bagScratch) bool {
	m, k := int32(len(e.phones)), int32(e.k)
	any := false
	for s, ok := range starts {
		if !ok {
			continue
		}
		if !b.feasible(e, int32(s), m, k) {
			starts[s] = false
			continue
		}
		any = true
	}
	return any
}

func (b *bagScratch) feasible(e *entry, s, m, k int32) bool {
	end := b.barrier[s] // words s..end-1 have pronunciations
	if end == s || b.lmin[s+1]-b.lmin[s] > m+k {
		return false
	}
	wmax := s // the last end word whose shortest span fits
	for wmax+1 < end && b.lmin[wmax+2]-b.lmin[s] <= m+k {
		wmax++
	}
	if b.lmax[wmax+1]-b.lmax[s] < m-k {
		return false // even the longest span is too short
	}
	wmin := s // the first end word whose longest span fits
	for b.lmax[wmin+1]-b.lmax[s] < m-k {
		wmin++
	}
	// The longest span's D bounds every shorter one's: most starts fail
	// here, with one count.
	d := b.excess(e, s, wmax, k)
	if d > k {
		return false
	}
	if wmin == wmax {
		return d-m+(b.lmin[wmax+1]-b.lmin[s]) <= k
	}
	for w := wmin; w < wmax; w++ { // each end on its own: its D and I
		if d := b.excess(e, s, w, k); d <= k && d-m+(b.lmin[w+1]-b.lmin[s]) <= k {
			return true
		}
	}
	return d-m+(b.lmin[wmax+1]-b.lmin[s]) <= k
}

// excess is D for the words s..w: the phrase's phones beyond the most
// the span can have of their class; once it passes limit, some value
// above limit (every caller rejects the span then, and most spans are
// rejected, a few classes in).
func (b *bagScratch) excess(e *entry, s, w, limit int32) int32 {
	cnt := b.cnt
	lo, hi := int(s)*b.nc, int(w+1)*b.nc
	var d int32
	for _, cc := range e.bag {
		c := int(cc.class)
		if have := int32(cnt[hi+c] - cnt[lo+c]); int32(cc.n) > have {
			if d += int32(cc.n) - have; d > limit {
				return d
			}
		}
	}
	return d
}
