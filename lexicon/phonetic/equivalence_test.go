package phonetic

import (
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// referenceFind is FindAmong without any shortcut: no candidate filter,
// every word a possible start, every cell of every column (referenceStep),
// no cut-off, no early end of an alignment, a map of ends.
func (ix *Index) referenceFind(words []string, allow func(id int) bool) []Match {
	utt := make([][]string, len(words))
	for i, w := range words {
		utt[i] = ix.dict.lookup(normalizeWord(w))
	}
	const inf = math.MaxInt / 2
	var out []Match
	for ei := range ix.entries {
		e := &ix.entries[ei]
		if allow != nil && !allow(e.id) {
			continue
		}
		m := len(e.phones)
		d, from := make([]int, m+1), make([]int, m+1)
		reset := func() {
			for j := range d {
				d[j], from[j] = inf, -1
			}
		}
		reset()
		type end struct{ cost, word int }
		best := map[int]end{}
		for w := range utt {
			if len(utt[w]) == 0 {
				reset()
				continue
			}
			for j := range d {
				if c := j * fullCost; c <= d[j] {
					d[j], from[j] = c, w
				}
			}
			merged, mfrom := make([]int, m+1), make([]int, m+1)
			for j := range merged {
				merged[j], mfrom[j] = inf, -1
			}
			for _, p := range utt[w] {
				cur, cfrom := slicesClone(d), slicesClone(from)
				ix.referenceStep(e.phones, cur, cfrom, p)
				for j, c := range cur {
					if c < merged[j] || (c == merged[j] && cfrom[j] > mfrom[j]) {
						merged[j], mfrom[j] = c, cfrom[j]
					}
				}
			}
			copy(d, merged)
			copy(from, mfrom)
			if c := d[m]; c <= e.maxCost && from[m] >= 0 {
				if b, ok := best[from[m]]; !ok || c < b.cost {
					best[from[m]] = end{c, w + 1}
				}
			}
		}
		for s, b := range best {
			out = append(out, Match{ID: e.id, StartWord: s, EndWord: b.word,
				Distance: (b.cost + fullCost - 1) / fullCost,
				Score:    1 - float64(b.cost)/float64(m*fullCost)})
		}
	}
	return reduce(out)
}

func slicesClone(x []int) []int { return append([]int(nil), x...) }

// TestFindEqualsReference: the candidate filter, the allow memo, the cut-offs
// at both ends of a column, the one-pronunciation fast path and the early
// end of dead alignments find exactly the matches of the slow path, on
// utterances mixing indexed phrases, their neighbours by sound, random
// dictionary words and unknown words, and on a random allow.
func TestFindEqualsReference(t *testing.T) {
	d := loadSystemDict(t)
	ix := NewIndex(d, IndexOptions{})
	phrases := append(randomPhrases(d, 300), nil)
	for _, p := range claimPhrases {
		phrases = append(phrases, strings.Fields(p))
	}
	for i, p := range phrases {
		_ = ix.AddScored(i, p, []float64{0, 0.78, 0.85}[i%3])
	}
	words := make([]string, 0, len(d.words))
	for w := range d.words {
		words = append(words, w)
	}
	sort.Strings(words)
	rng := rand.New(rand.NewPCG(7, 9))
	matched := 0
	for trial := range 150 {
		var utt []string
		for len(utt) < 8+rng.IntN(20) {
			switch rng.IntN(5) {
			case 0, 1: // an indexed phrase, maybe with a word changed
				p := append([]string(nil), phrases[rng.IntN(len(phrases))]...)
				if len(p) > 0 && rng.IntN(2) == 0 {
					p[rng.IntN(len(p))] = words[rng.IntN(len(words))]
				}
				utt = append(utt, p...)
			case 2:
				utt = append(utt, "zzqx") // unknown
			default:
				utt = append(utt, words[rng.IntN(len(words))])
			}
		}
		var allow func(int) bool
		if trial%2 == 1 {
			allow = func(id int) bool { return id%3 != trial%3 }
		}
		got, want := ix.FindAmong(utt, allow), ix.referenceFind(utt, allow)
		if len(want) > 0 {
			matched++
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("trial %d %q:\n got  %v\n want %v", trial, utt, got, want)
		}
	}
	if matched < 100 {
		t.Fatalf("only %d of 150 utterances have a match: the test proves little", matched)
	}
}
