package phonetic

import (
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// randomUtterance mixes indexed phrases (some with a word changed),
// dictionary words and unknown words.
func randomUtterance(rng *rand.Rand, phrases [][]string, words []string) []string {
	var utt []string
	for len(utt) < 8+rng.IntN(20) {
		switch rng.IntN(5) {
		case 0, 1:
			p := append([]string(nil), phrases[rng.IntN(len(phrases))]...)
			if len(p) > 0 && rng.IntN(2) == 0 {
				p[rng.IntN(len(p))] = words[rng.IntN(len(words))]
			}
			utt = append(utt, p...)
		case 2:
			utt = append(utt, "zzqx")
		default:
			utt = append(utt, words[rng.IntN(len(words))])
		}
	}
	return utt
}

// scoredIndex indexes n random phrases and the claims, with minimum
// scores in turn 0, 0.78 and 0.85, and returns the phrases and the
// dictionary's words.
func scoredIndex(t *testing.T, n int) (*Index, [][]string, []string) {
	t.Helper()
	d := loadSystemDict(t)
	ix := NewIndex(d, IndexOptions{})
	phrases := randomPhrases(d, n)
	for _, p := range claimPhrases {
		phrases = append(phrases, strings.Fields(p))
	}
	for i, p := range phrases {
		_ = ix.AddScored(i, p, []float64{0, 0.78, 0.85}[i%3])
	}
	return ix, phrases, sortedWords(d)
}

func sortedWords(d *Dict) []string {
	words := make([]string, 0, len(d.words))
	for w := range d.words {
		words = append(words, w)
	}
	sort.Strings(words)
	return words
}

// TestFindIDsEqualsFindAmong: looking the given phrases' pieces up among
// the utterance's n-grams finds what looking the utterance's n-grams up
// among all pieces finds, for random id sets with duplicates and ids
// never added.
func TestFindIDsEqualsFindAmong(t *testing.T) {
	ix, phrases, words := scoredIndex(t, 300)
	if err := ix.Add(-5, strings.Fields("cures cancer")); err != nil { // a sparse id
		t.Fatal(err)
	}
	grouped := 0 // variants FindIDs aligns under a lead (entry.lead)
	for en, e := range ix.entries {
		if e.lead != int32(en) {
			grouped++
		}
	}
	if grouped == 0 {
		t.Fatal("no phrase has variants with the same classes: the test does not exercise their sharing")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	matched := 0
	for trial := range 300 {
		utt := randomUtterance(rng, phrases, words)
		var ids []int
		in := map[int]bool{}
		for range 1 + rng.IntN(60) {
			id := rng.IntN(len(phrases)+10) - 5
			ids = append(ids, id)
			in[id] = true
		}
		if trial%10 == 0 { // every phrase
			ids = ids[:0]
			for i := range phrases {
				ids = append(ids, i)
				in[i] = true
			}
		}
		got := ix.FindIDs(utt, ids)
		want := ix.FindAmong(utt, func(id int) bool { return in[id] })
		if len(want) > 0 {
			matched++
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("trial %d %q ids %v:\n got  %v\n want %v", trial, utt, ids, got, want)
		}
	}
	if matched < 50 {
		t.Fatalf("only %d of 300 utterances have a match: the test proves little", matched)
	}
}

// TestBagBoundIsLossless: a start the bag bound excludes has no
// alignment within budget to any end, aligned alone without the bound.
func TestBagBoundIsLossless(t *testing.T) {
	ix, phrases, words := scoredIndex(t, 200)
	rng := rand.New(rand.NewPCG(5, 6))
	sc := new(filterScratch)
	var buf dpBuffers
	pruned, kept := 0, 0
	for range 200 {
		utt := ix.pronounceAll(randomUtterance(rng, phrases, words), sc)
		pick := entryPicker(ix, utt, sc, rng)
		for range 40 {
			en := pick()
			e := &ix.entries[en]
			sc.bag.build(ix.filter, utt, sc.uslots) // candidates reuse the scratch, not the bag
			for s := range utt {
				starts := make([]bool, len(utt))
				starts[s] = true
				alone := ix.matchEntry(e, utt, starts, &buf, nil)
				if prune(e, starts, &sc.bag) {
					kept++
					continue
				}
				pruned++
				if len(alone) > 0 {
					t.Fatalf("entry %d start %d pruned, but aligned alone: %v", en, s, alone)
				}
			}
		}
	}
	if pruned < 1000 || kept < 100 {
		t.Fatalf("pruned %d, kept %d starts: the test proves little", pruned, kept)
	}
}

// TestAlignEqualsSharedPass: aligning each start alone and merging the
// starts' ends per word finds, per start, the same end and cost as the
// shared pass over the utterance (matchEntry), on random utterances,
// phrase variants and sets of starts (not pruned: every start the
// filter could leave).
func TestAlignEqualsSharedPass(t *testing.T) {
	ix, phrases, words := scoredIndex(t, 200)
	rng := rand.New(rand.NewPCG(11, 12))
	sc := new(filterScratch)
	var buf dpBuffers
	var ab alignScratch
	compared := 0
	order := func(ms []Match) []Match {
		sort.Slice(ms, func(i, j int) bool {
			if ms[i].StartWord != ms[j].StartWord {
				return ms[i].StartWord < ms[j].StartWord
			}
			return ms[i].EndWord < ms[j].EndWord
		})
		return ms
	}
	for range 1000 {
		utt := ix.pronounceAll(randomUtterance(rng, phrases, words), sc)
		pick := entryPicker(ix, utt, sc, rng)
		for range 30 {
			en := pick()
			e := &ix.entries[en]
			starts := make([]bool, len(utt))
			for s := range starts {
				starts[s] = rng.IntN(3) > 0
			}
			want := order(ix.matchEntry(e, utt, starts, &buf, nil))
			got := order(ix.alignEntry(e, utt, starts, &ab, nil))
			if len(want) > 0 {
				compared++
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("entry %d (max cost %d) starts %v:\n got  %v\n want %v", en, e.maxCost, starts, got, want)
			}
		}
	}
	if compared < 300 {
		t.Fatalf("only %d alignments found a match: the test proves little", compared)
	}
}

// entryPicker returns entries to align with utt: in turn any entry and
// one the filter keeps (those find matches).
func entryPicker(ix *Index, utt [][]string, sc *filterScratch, rng *rand.Rand) func() int32 {
	var cands []int32
	for _, c := range ix.filter.candidates(utt, len(ix.entries), sc, func(int32) bool { return true }) {
		cands = append(cands, c.entry)
	}
	i := 0
	return func() int32 {
		i++
		if i%2 == 0 && len(cands) > 0 {
			return cands[rng.IntN(len(cands))]
		}
		return int32(rng.IntN(len(ix.entries)))
	}
}
