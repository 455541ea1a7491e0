package pinyin

import "sync"

// Readings returns the toneless pinyin readings of a Han character, most
// common first (信 → xin, shen), or nil for anything else. The transcript
// store indexes them so staff find 威信 by typing weixin.
func Readings(r rune) []string {
	t := Default()
	ids := t.readings[r]
	if len(ids) == 0 {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = t.names[id]
	}
	return out
}

// realSyllables are the syllables some Han character is read as (the
// table also holds letter names like "kiu" that are not pinyin).
var realSyllables = sync.OnceValue(func() map[string]bool {
	t := Default()
	set := map[string]bool{}
	for _, ids := range t.readings {
		for _, id := range ids {
			set[t.names[id]] = true
		}
	}
	return set
})

// Split splits a lower-case Latin word into toneless pinyin syllables
// ("weixin" → wei, xin), preferring the fewest syllables; it returns nil when
// the word is not a run of syllables. Ambiguous words (fangan: fang-an or
// fan-gan) get one of their readings.
func Split(word string) []string {
	n := len(word)
	if n == 0 || n > 60 {
		return nil
	}
	set := realSyllables()
	const maxSyl = 6 // longest pinyin syllable: zhuang, chuang, shuang
	// best[i] is the fewest syllables covering word[:i]; from[i] where the
	// last of them starts.
	best := make([]int, n+1)
	from := make([]int, n+1)
	for i := 1; i <= n; i++ {
		best[i] = -1
		for l := 1; l <= maxSyl && l <= i; l++ {
			j := i - l
			if best[j] < 0 || !set[word[j:i]] {
				continue
			}
			if best[i] < 0 || best[j]+1 < best[i] {
				best[i], from[i] = best[j]+1, j
			}
		}
	}
	if best[n] < 0 {
		return nil
	}
	out := make([]string, best[n])
	for i, k := n, best[n]-1; i > 0; i, k = from[i], k-1 {
		out[k] = word[from[i]:i]
	}
	return out
}
