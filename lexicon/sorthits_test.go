package lexicon

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSortedCopyEqualsStableSort: sorting indices gives the order the
// stable sort of the Hits themselves gave, ties (same start and rule id)
// included.
func TestSortedCopyEqualsStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var order []int32
	for trial := range 500 {
		hits := make([]Hit, rng.IntN(40))
		for i := range hits {
			hits[i] = Hit{HitRule: &HitRule{RuleID: fmt.Sprintf("r%d", rng.IntN(8)), Pattern: fmt.Sprint(i)},
				Start: time.Duration(rng.IntN(6))}
		}
		want := slices.Clone(hits)
		slices.SortStableFunc(want, func(a, b Hit) int {
			if a.Start != b.Start {
				return cmp.Compare(a.Start, b.Start)
			}
			return strings.Compare(a.RuleID, b.RuleID)
		})
		var got []Hit
		got, order = sortedAppend(nil, hits, order)
		if len(want) == 0 && len(got) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("trial %d:\n got  %v\n want %v", trial, got, want)
		}
	}
}
