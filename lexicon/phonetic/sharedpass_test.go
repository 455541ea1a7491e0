package phonetic

import "math"

// The shared pass: one left-to-right alignment of a phrase over the whole
// utterance from every allowed start at once, each cell carrying where
// its alignment started. Production used it until alignEntry (align.go)
// replaced it; it stays here as the definition alignEntry must meet
// (matchEntry; TestAlignEqualsSharedPass) and for the cut-off's test.

// dpBuffers are reused across entries within one Find.
type dpBuffers struct {
	cur, next, best, from, nfrom, cfrom []int
	ends                                []end
}

func (b *dpBuffers) reset(m int) {
	if cap(b.cur) < m+1 {
		b.cur, b.next, b.best = make([]int, m+1), make([]int, m+1), make([]int, m+1)
		b.from, b.nfrom, b.cfrom = make([]int, m+1), make([]int, m+1), make([]int, m+1)
	}
	b.cur, b.next, b.best = b.cur[:m+1], b.next[:m+1], b.best[:m+1]
	b.from, b.nfrom, b.cfrom = b.from[:m+1], b.nfrom[:m+1], b.cfrom[:m+1]
}

// matchEntry aligns one phrase variant with the utterance in one pass
// (Sellers' approximate matching, restricted to word-aligned starts): each
// cell keeps its cheapest alignment over every allowed start and where it
// started, and each start keeps its cheapest end. An alignment that loses
// a cell to another start's cheaper one overlaps it, and reduce would keep
// the cheaper one anyway.
func (ix *Index) matchEntry(e *entry, utt [][]string, starts []bool, buf *dpBuffers, out []Match) []Match {
	m := len(e.phones)
	buf.reset(m)
	d, from := buf.best, buf.from
	const inf = math.MaxInt / 2
	for j := range d {
		d[j], from[j] = inf, -1
	}
	// ends: per start word, its cheapest end; a phrase has few starts, so
	// a list beats a map.
	ends := buf.ends[:0]
	live := false
	for w := range utt {
		if len(utt[w]) == 0 { // an unknown word is never part of a match
			if live {
				for j := range d {
					d[j], from[j] = inf, -1
				}
			}
			live = false
			continue
		}
		if starts[w] {
			for j := range d {
				if c := j * fullCost; c <= d[j] { // ties: the later start, fewer words
					d[j], from[j] = c, w
				}
			}
			live = true
		}
		if !live {
			continue
		}
		if !ix.stepWordFrom(e.phones, d, from, utt[w], e.maxCost, buf) {
			for j := range d {
				d[j], from[j] = inf, -1
			}
			live = false
			continue
		}
		if c := d[m]; c <= e.maxCost && from[m] >= 0 {
			i := 0
			for i < len(ends) && ends[i].start != from[m] {
				i++
			}
			if i == len(ends) {
				ends = append(ends, end{start: from[m], cost: c, word: w + 1})
			} else if c < ends[i].cost {
				ends[i].cost, ends[i].word = c, w+1
			}
		}
	}
	for _, b := range ends {
		out = append(out, Match{ID: e.id, StartWord: b.start, EndWord: b.word,
			Distance: (b.cost + fullCost - 1) / fullCost,
			Score:    1 - float64(b.cost)/float64(m*fullCost)})
	}
	buf.ends = ends[:0]
	return out
}

// stepWordFrom advances the alignment over one word, taking the best of
// its pronunciations per phrase position, and carries where each cell's
// alignment started. It reports whether some cell is still within
// maxCost.
func (ix *Index) stepWordFrom(phrase string, d, from []int, prons []string, maxCost int, buf *dpBuffers) bool {
	if len(prons) == 1 { // most words: no merge needed
		return ix.stepPhonesFrom(phrase, d, from, prons[0], maxCost)
	}
	// Every pronunciation but the last steps a copy and merges into
	// merged; the last steps d itself, which no longer needs its input,
	// and merged is merged into it. The merge (lowest cost, then latest
	// start) does not depend on order.
	merged, mfrom := buf.next, buf.nfrom
	for j := range merged {
		merged[j], mfrom[j] = math.MaxInt/2, -1
	}
	alive := false
	for _, p := range prons[:len(prons)-1] {
		copy(buf.cur, d)
		copy(buf.cfrom, from)
		if !ix.stepPhonesFrom(phrase, buf.cur, buf.cfrom, p, maxCost) {
			continue // every cell over budget: it cannot improve merged
		}
		alive = true
		for j, c := range buf.cur {
			if c < merged[j] || (c == merged[j] && buf.cfrom[j] > mfrom[j]) {
				merged[j], mfrom[j] = c, buf.cfrom[j]
			}
		}
	}
	alive = ix.stepPhonesFrom(phrase, d, from, prons[len(prons)-1], maxCost) || alive
	if !alive {
		return false
	}
	for j, c := range merged {
		if c < d[j] || (c == d[j] && mfrom[j] > from[j]) {
			d[j], from[j] = c, mfrom[j]
		}
	}
	return true
}

// stepPhonesFrom is the edit-distance recurrence over the utterance phones
// in pron, updating d (d[j]: cost of aligning phrase[:j]) and from in
// place; on equal costs the later start wins. It reports whether some
// cell is still within maxCost.
//
// Costs only grow along an alignment, so a cell over maxCost can never
// lead to a match, and its exact cost never matters: each column stops
// (Ukkonen's cut-off) past the last cell within budget once the cells it
// would read are over budget too, and, once the cell before the phrase is
// over budget, starts at the first cell the previous column had within
// budget (the cells below it read only over-budget cells). The cells it
// leaves were over budget and stay so; nothing downstream tells two
// over-budget costs apart.
func (ix *Index) stepPhonesFrom(phrase string, d, from []int, pron string, maxCost int) bool {
	lact := -1 // the last cell within budget
	for j := len(d) - 1; j >= 0; j-- {
		if d[j] <= maxCost {
			lact = j
			break
		}
	}
	first := 0 // the first cell within budget
	for first < lact && d[first] > maxCost {
		first++
	}
	for i := 0; i < len(pron) && lact >= 0; i++ {
		row := (*[256]uint8)(ix.costBy[int(pron[i])*256:])
		j0 := 1
		if d[0]+fullCost > maxCost && first > 1 {
			j0 = first
		}
		diag, dfrom := d[j0-1], from[j0-1]
		d[0] += fullCost // utterance phone before the phrase starts
		next, nfirst := -1, -1
		if d[0] <= maxCost {
			next, nfirst = 0, 0
		}
		for j := j0; j < len(d); j++ {
			if j > lact+1 && d[j-1] > maxCost {
				break
			}
			sub := diag + int(row[phrase[j-1]])
			dfrom0 := from[j]
			diag = d[j]
			best, bf := sub, dfrom
			if c2 := d[j] + fullCost; c2 < best || (c2 == best && from[j] > bf) {
				best, bf = c2, from[j]
			}
			if c3 := d[j-1] + fullCost; c3 < best || (c3 == best && from[j-1] > bf) {
				best, bf = c3, from[j-1]
			}
			d[j], from[j] = best, bf
			dfrom = dfrom0
			if best <= maxCost {
				next = j
				if nfirst < 0 {
					nfirst = j
				}
			}
		}
		lact, first = next, nfirst
	}
	return lact >= 0
}
