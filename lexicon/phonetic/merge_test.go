package phonetic

import (
	"math/rand/v2"
	"testing"
)

// TestMergedBoundIsLossless: from a start where a group's merged phrase
// (merge.go) reaches no end within budget, no variant of the group does,
// aligned alone; and the merged phrase's phones cost, for every utterance
// phone, the least of its variants' phones at that position.
func TestMergedBoundIsLossless(t *testing.T) {
	ix, phrases, words := scoredIndex(t, 300)
	var leads []int32
	for en, e := range ix.entries {
		if e.merged == "" {
			continue
		}
		leads = append(leads, int32(en))
		for j := range len(e.merged) {
			for u := range ix.nPhones {
				least := uint8(fullCost)
				for _, v := range e.same {
					least = min(least, ix.costBy[u*256+int(ix.entries[v].phones[j])])
				}
				if got := ix.costBy[u*256+int(e.merged[j])]; got != least {
					t.Fatalf("entry %d position %d phone %d: merged costs %d, its variants at least %d", en, j, u, got, least)
				}
			}
		}
	}
	if len(leads) < 20 {
		t.Fatalf("only %d merged groups: the test proves little", len(leads))
	}
	rng := rand.New(rand.NewPCG(21, 22))
	sc := new(filterScratch)
	var b alignScratch
	dropped, kept := 0, 0
	for range 300 {
		utt := ix.pronounceAll(randomUtterance(rng, phrases, words), sc)
		for range 20 {
			en := leads[rng.IntN(len(leads))]
			e := &ix.entries[en]
			for s := range utt {
				starts := make([]bool, len(utt))
				starts[s] = true
				if ix.boundStarts(e, utt, starts, &b) {
					kept++
					continue
				}
				dropped++
				for _, v := range e.same {
					b.ends = b.ends[:0]
					if ix.alignFrom(&ix.entries[v], utt, s, &b, false); len(b.ends) > 0 {
						t.Fatalf("entry %d start %d dropped by the merged bound, but variant %d ends within budget: %v", en, s, v, b.ends)
					}
				}
			}
		}
	}
	t.Logf("%d merged groups; %d starts dropped, %d kept", len(leads), dropped, kept)
	if dropped < 1000 || kept < 50 {
		t.Fatalf("dropped %d, kept %d starts: the test proves little", dropped, kept)
	}
}
