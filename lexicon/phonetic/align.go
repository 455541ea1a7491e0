package phonetic

// alignEntry finds the matches of one phrase variant from the start words
// the filter and the bag bound left (starts), appending them to out.
//
// What it reports is defined by one left-to-right pass over the
// utterance that keeps, per cell, the cheapest alignment over every
// allowed start and the latest start among equally cheap ones (Sellers'
// approximate matching restricted to word-aligned starts); at each word
// end whose last cell is within budget, that cell's start keeps it as its
// end if it is cheaper than the one it has. TestAlignEqualsSharedPass
// holds it to that pass (sharedPass, kept in the tests).
//
// The pass's last cell at word w is, among the allowed starts, the least
// cost D(s, w) of aligning the phrase with words s..w, the latest s on
// ties. So each start is aligned alone here, through the few words its
// length allows, with costs only (no start to carry), capped just over
// budget (a cell over budget never leads to a match, and nothing tells
// two over-budget costs apart); the starts' last cells are then merged
// per word as the pass would have.
func (ix *Index) alignEntry(e *entry, utt [][]string, starts []bool, b *alignScratch, out []Match) []Match {
	m := len(e.phones)
	b.ends = b.ends[:0]
	for s, ok := range starts {
		if ok {
			ix.alignFrom(e, utt, s, b, false)
		}
	}
	if len(b.ends) == 0 {
		return out
	}
	// The pass's last cell per word: the cheapest, then latest start.
	// b.ends is by start, then word; a few entries, so a quadratic merge.
	recs := b.recs[:0]
	for _, c := range b.ends {
		i := 0
		for i < len(recs) && recs[i].word != c.word {
			i++
		}
		switch {
		case i == len(recs):
			recs = append(recs, c)
		case c.cost < recs[i].cost || c.cost == recs[i].cost && c.start > recs[i].start:
			recs[i] = c
		}
	}
	// Words in order: each start keeps its cheapest end, the first on ties.
	sortByWord(recs)
	best := b.best[:0]
	for _, r := range recs {
		i := 0
		for i < len(best) && best[i].start != r.start {
			i++
		}
		if i == len(best) {
			best = append(best, r)
		} else if r.cost < best[i].cost {
			best[i].cost, best[i].word = r.cost, r.word
		}
	}
	for _, r := range best {
		out = append(out, Match{ID: e.id, StartWord: r.start, EndWord: r.word + 1,
			Distance: (r.cost + fullCost - 1) / fullCost,
			Score:    1 - float64(r.cost)/float64(m*fullCost)})
	}
	b.recs, b.best = recs[:0], best[:0]
	return out
}

func sortByWord(rs []end) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && rs[j].word < rs[j-1].word; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

// alignScratch is alignEntry's reusable memory.
type alignScratch struct {
	col, tmp, mrg []int32
	ends          []end // (start, word, cost): D(start, word) within budget
	recs, best    []end
}

// end is an alignment of the phrase ending at a word: for alignEntry's
// lists, word is the last word (inclusive).
type end struct{ start, cost, word int }

func (b *alignScratch) reset(m int) {
	if cap(b.col) < m+1 {
		b.col, b.tmp, b.mrg = make([]int32, m+1), make([]int32, m+1), make([]int32, m+1)
	}
	b.col, b.tmp, b.mrg = b.col[:m+1], b.tmp[:m+1], b.mrg[:m+1]
}

// alignFrom aligns the phrase from start word s alone and appends to
// b.ends every word w with D(s, w) within budget (only the first when
// first).
func (ix *Index) alignFrom(e *entry, utt [][]string, s int, b *alignScratch, first bool) {
	m, maxCost := len(e.phones), int32(e.maxCost)
	inf := maxCost + 1
	b.reset(m)
	col := b.col
	lo, hi := 0, 0 // the cells within budget are within [lo, hi]
	for j := range col {
		col[j] = min(inf, int32(j*fullCost))
		if col[j] <= maxCost {
			hi = j
		}
	}
	for w := s; w < len(utt); w++ {
		prons := utt[w]
		if len(prons) == 0 {
			return // an unknown word is never part of a match
		}
		var nlo, nhi int
		if len(prons) == 1 {
			nlo, nhi = ix.stepCapped(e.phones, col, prons[0], lo, hi, maxCost)
		} else {
			// Each pronunciation steps a copy of the column; the word's
			// column is their cell-wise minimum.
			mrg := b.mrg
			for j := range mrg {
				mrg[j] = inf
			}
			nlo, nhi = m+1, -1
			for _, p := range prons {
				copy(b.tmp, col)
				plo, phi := ix.stepCapped(e.phones, b.tmp, p, lo, hi, maxCost)
				if phi < 0 {
					continue
				}
				nlo, nhi = min(nlo, plo), max(nhi, phi)
				for j := plo; j <= phi; j++ {
					mrg[j] = min(mrg[j], b.tmp[j])
				}
			}
			copy(col, mrg)
		}
		if nhi < 0 {
			return // every cell over budget: nothing further can match
		}
		lo, hi = nlo, nhi
		if c := col[m]; c <= maxCost {
			b.ends = append(b.ends, end{start: s, cost: int(c), word: w})
			if first {
				return
			}
		}
	}
}

// stepCapped advances col over the utterance phones of pron. Costs are
// capped at inf = maxCost+1, and every cell outside [lo, hi] is inf on
// entry and on return: a new cell within budget reads an old one within
// budget (diagonally or to its left) or the new cell above, so a column
// is computed from lo to hi+1 and further only while the cell above can
// still afford a deletion; the cells it skips stay inf. It returns the new
// [lo, hi] (hi < 0: every cell is over budget).
func (ix *Index) stepCapped(phrase string, col []int32, pron string, lo, hi int, maxCost int32) (int, int) {
	inf := maxCost + 1
	m := len(col) - 1
	for i := 0; i < len(pron); i++ {
		row := (*[256]uint8)(ix.costBy[int(pron[i])*256:])
		nlo, nhi := -1, -1
		j := lo
		diag, up := inf, inf // col[lo-1] is inf, and so will be its new value
		if lo == 0 {
			// Cell 0: an utterance phone before the phrase starts.
			c := min(inf, col[0]+fullCost)
			diag, up, col[0] = col[0], c, c
			if c <= maxCost {
				nlo, nhi = 0, 0
			}
			j = 1
		}
		for ; j <= m; j++ {
			if j > hi+1 && up+fullCost > maxCost {
				break // the rest stays inf
			}
			old := col[j]
			c := min(diag+int32(row[phrase[j-1]]), old+fullCost, up+fullCost, inf)
			diag, up, col[j] = old, c, c
			if c <= maxCost {
				if nlo < 0 {
					nlo = j
				}
				nhi = j
			}
		}
		if nhi < 0 {
			return -1, -1
		}
		lo, hi = nlo, nhi
	}
	return lo, hi
}
