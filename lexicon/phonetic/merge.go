package phonetic

import "math/bits"

// A lossless bound on a group's alignments. The variants of one group
// (entry.lead: same length, classes and budget, vowels differing) are
// aligned one by one from the starts the filter and the bag bound leave,
// and on the default lexicon 19 of 20 such alignments find no end within
// budget. So a group is first aligned once as its merged phrase: at each
// position a phone that stands for the set of its variants' phones there,
// whose substitution for an utterance phone costs the least any of them
// costs. Insertions and deletions cost fullCost whatever the phones, so
// every alignment of a variant is an alignment of the merged phrase at a
// cost no higher: from a start where the merged phrase reaches no end
// within budget, no variant does, and the start is dropped before the
// variants are aligned. TestMergedBoundIsLossless checks it start by
// start, TestFindIDsEqualsFindAmong the whole.
//
// A set's phone is an id above the dictionary's phones (they fit a byte,
// and the alignment indexes a cost row of 256 by the phrase's phone, so
// the extra ids need only their column of costs). When the ids run out a
// group keeps no merged phrase and is aligned variant by variant, as
// before.

// mergeInto adds variant phones to the merged phrase of lead l.
func (ix *Index) mergeInto(l *entry, phones string) {
	if l.noMerge {
		return
	}
	cur := l.merged
	if cur == "" {
		cur = l.phones
	}
	b := []byte(cur)
	for j := range b {
		id, ok := ix.setPhone(ix.phoneSet(b[j]) | 1<<phones[j])
		if !ok {
			l.merged, l.noMerge = "", true
			return
		}
		b[j] = id
	}
	l.merged = string(b)
}

// phoneSet is the set of dictionary phones id stands for.
func (ix *Index) phoneSet(id byte) uint64 {
	if int(id) < ix.nPhones {
		return 1 << id
	}
	return ix.sets[int(id)-ix.nPhones]
}

// setPhone returns the phone that stands for set, making it if new;
// false when no id is left or the dictionary has too many phones for a
// set to be a bit mask.
func (ix *Index) setPhone(set uint64) (byte, bool) {
	if ix.nPhones > 64 {
		return 0, false
	}
	if set&(set-1) == 0 { // one phone: itself
		return byte(bits.TrailingZeros64(set)), true
	}
	for i, s := range ix.sets {
		if s == set {
			return byte(ix.nPhones + i), true
		}
	}
	id := ix.nPhones + len(ix.sets)
	if id > 255 {
		return 0, false
	}
	ix.sets = append(ix.sets, set)
	n := ix.nPhones
	for u := range n {
		c := uint8(fullCost)
		for p := range n {
			if set&(1<<p) != 0 {
				c = min(c, ix.cost[p*n+u])
			}
		}
		ix.costBy[u*256+id] = c
	}
	return byte(id), true
}

// boundStarts clears the starts of lead e from which its merged phrase
// reaches no end within budget, and reports whether any is left.
func (ix *Index) boundStarts(e *entry, utt [][]string, starts []bool, b *alignScratch) bool {
	m := entry{phones: e.merged, maxCost: e.maxCost}
	any := false
	for s, ok := range starts {
		if !ok {
			continue
		}
		b.ends = b.ends[:0]
		ix.alignFrom(&m, utt, s, b, true)
		if len(b.ends) == 0 {
			starts[s] = false
			continue
		}
		any = true
	}
	b.ends = b.ends[:0]
	return any
}
