package phonetic

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

// randomPhrases builds n phrases of 2-4 dictionary words, deterministically.
func randomPhrases(d *Dict, n int) [][]string {
	words := make([]string, 0, len(d.words))
	for w := range d.words {
		words = append(words, w)
	}
	sort.Strings(words)
	r := rand.New(rand.NewPCG(1, 2))
	out := make([][]string, 0, n)
	for len(out) < n {
		p := make([]string, 2+r.IntN(3))
		for i := range p {
			p[i] = words[r.IntN(len(words))]
		}
		out = append(out, p)
	}
	return out
}

func BenchmarkFind(b *testing.B) {
	d := loadSystemDict(b)
	utt := strings.Fields("hello everyone welcome back this cream cure is cancer and diabetes " +
		"and there are no side affects at all so add me on we chat")
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("phrases=%d/words=%d", n, len(utt)), func(b *testing.B) {
			ix := NewIndex(d, IndexOptions{})
			for i, p := range randomPhrases(d, n) {
				_ = ix.Add(i, p) // a few random phrases are too short
			}
			for i, p := range claimPhrases {
				if err := ix.Add(n+i, strings.Fields(p)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				if len(ix.Find(utt)) == 0 {
					b.Fatal("no match")
				}
			}
		})
	}
}
