package eval

import (
	"math/rand/v2"
	"testing"
)

// TestSplitHoldsEveryCategory: train and test each get every violation
// category and some clean-only clips, so thresholds tuned on train are
// judged on the same kinds of claims.
func TestSplitHoldsEveryCategory(t *testing.T) {
	cats := []string{"a", "b", "c", "d", "e", "f"}
	var viol []Violation
	for _, c := range cats {
		viol = append(viol, Violation{Category: c, Text: c + "1"}, Violation{Category: c, Text: c + "2"})
	}
	g := &generator{rng: rand.New(rand.NewPCG(7, 7))}
	pick := g.picker(viol)
	seen := map[string]map[string]bool{"train": {}, "test": {}}
	for i := range 36 {
		split := g.split(i)
		if i%4 == 2 {
			seen[split]["clean"] = true
			continue
		}
		seen[split][pick(i-(i+1)/4).Category] = true
	}
	for split, got := range seen {
		for _, c := range append(cats, "clean") {
			if !got[c] {
				t.Errorf("%s split has no %s clip", split, c)
			}
		}
	}
}
