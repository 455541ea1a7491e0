package sphinx

import (
	"sort"
	"strings"

	"github.com/earshot/earshot/transcript"
)

// keywordFinal deduplicates keyword hits: the keyword search reports every
// detection of the utterance, and may report one phrase several times
// over overlapping frames, newest first. Words become the distinct hits in
// time order and Text the distinct phrases in that order.
func keywordFinal(h transcript.Hypothesis) transcript.Hypothesis {
	sort.SliceStable(h.Words, func(i, j int) bool { return h.Words[i].Start < h.Words[j].Start })
	h.Words = dedupeHits(h.Words)
	texts := make([]string, 0, len(h.Words))
	seen := map[string]bool{}
	for _, w := range h.Words {
		if !seen[w.Text] {
			seen[w.Text] = true
			texts = append(texts, w.Text)
		}
	}
	h.Text = strings.Join(texts, " ")
	return h
}

// dedupeHits drops a hit when an earlier kept hit of the same phrase
// overlaps it in time.
func dedupeHits(hits []transcript.Word) []transcript.Word {
	var out []transcript.Word
	for _, h := range hits {
		dup := false
		for _, k := range out {
			if k.Text == h.Text && k.Start < h.End && h.Start < k.End {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, h)
		}
	}
	return out
}
