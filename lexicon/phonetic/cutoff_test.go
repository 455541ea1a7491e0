package phonetic

import (
	"math"
	"math/rand/v2"
	"testing"
)

// referenceStep is stepPhonesFrom without the cut-off: every cell of every
// column.
func (ix *Index) referenceStep(phrase string, d, from []int, pron string) {
	n := ix.nPhones
	for i := 0; i < len(pron); i++ {
		c := int(pron[i])
		diag, dfrom := d[0], from[0]
		d[0] += fullCost
		for j := 1; j < len(d); j++ {
			sub := diag + int(ix.cost[int(phrase[j-1])*n+c])
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
		}
	}
}

// TestCutoffKeepsEveryCellWithinBudget: the cut-off changes no cell whose
// cost is within budget, nor where its alignment started, on random
// phrases, utterances and budgets.
func TestCutoffKeepsEveryCellWithinBudget(t *testing.T) {
	d := loadSystemDict(t)
	ix := NewIndex(d, IndexOptions{})
	rng := rand.New(rand.NewPCG(1, 2))
	phone := func() byte { return byte(rng.IntN(ix.nPhones)) }
	for trial := range 2000 {
		m := 4 + rng.IntN(16)
		phrase := make([]byte, m)
		for i := range phrase {
			phrase[i] = phone()
		}
		budget := rng.IntN(4 * fullCost)
		a, b := make([]int, m+1), make([]int, m+1)
		fa, fb := make([]int, m+1), make([]int, m+1)
		for j := range a {
			a[j], fa[j] = math.MaxInt/2, -1
		}
		for j := range b {
			b[j], fb[j] = math.MaxInt/2, -1
		}
		start := func(d, from []int, w int) {
			for j := range d {
				if c := j * fullCost; c <= d[j] {
					d[j], from[j] = c, w
				}
			}
		}
		for w := range 6 {
			if rng.IntN(2) == 0 { // a start at this word, on both sides
				start(a, fa, w)
				start(b, fb, w)
			}
			pron := make([]byte, 1+rng.IntN(6))
			for i := range pron {
				pron[i] = phone()
			}
			ix.referenceStep(string(phrase), a, fa, string(pron))
			ix.stepPhonesFrom(string(phrase), b, fb, string(pron), budget)
			for j := range a {
				if (a[j] <= budget) != (b[j] <= budget) || a[j] <= budget && (a[j] != b[j] || fa[j] != fb[j]) {
					t.Fatalf("trial %d word %d cell %d: reference %d from %d, cut-off %d from %d (budget %d)",
						trial, w, j, a[j], fa[j], b[j], fb[j], budget)
				}
			}
		}
	}
}
