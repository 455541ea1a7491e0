package phonetic

// The candidate filter applies the pigeonhole principle: a phrase aligned
// with at most k full edits, split into k+1 pieces, keeps at least one piece
// without a full edit. Cheaper edits never change a phone's class, so that
// piece's class sequence occurs verbatim in the utterance. The filter keys
// every piece by the classes of its first maxKey phones and keeps the
// phrases with a key present among the utterance's class n-grams. Where the
// key occurs also bounds where the phrase can start: the phones before the
// piece align with the phrase's phones before it, with at most k full edits.

const (
	maxKey    = 4 // phones per key
	classBits = 6 // classes are below 64
)

type pieceFilter struct {
	class      []byte
	postings   map[uint32][]posting
	lengths    [maxKey + 1]bool // key lengths in use
	unfiltered []int32          // entries the filter cannot exclude
}

// posting is a phrase piece: its entry, the piece's offset in the
// phrase's phones and the entry's full-edit budget.
type posting struct {
	entry, offset, k int32
}

// site is where a class n-gram starts in the utterance.
type site struct{ word, phone int }

// candidate is an entry that passed the filter and the start words where
// it may occur.
type candidate struct {
	entry  int32
	starts []bool
}

func newPieceFilter(class []byte) *pieceFilter {
	return &pieceFilter{class: class, postings: map[uint32][]posting{}}
}

// add registers entry e with phones that tolerate k full edits.
func (f *pieceFilter) add(e int32, phones string, k int) {
	m := len(phones)
	if k+1 > m {
		f.unfiltered = append(f.unfiltered, e)
		return
	}
	for i := 0; i <= k; i++ {
		lo, hi := i*m/(k+1), (i+1)*m/(k+1)
		key := f.key(phones[lo:min(hi, lo+maxKey)])
		f.postings[key] = append(f.postings[key], posting{e, int32(lo), int32(k)})
		f.lengths[min(hi-lo, maxKey)] = true
	}
}

// key packs the classes of up to maxKey phones with their count.
func (f *pieceFilter) key(phones string) uint32 {
	k := uint32(len(phones))
	for i := 0; i < len(phones); i++ {
		k = k<<classBits | uint32(f.class[phones[i]])
	}
	return k
}

// candidates returns the entries, out of n, that may occur in utt, with
// their possible start words.
func (f *pieceFilter) candidates(utt [][]string, n int) []candidate {
	sites := map[uint32][]site{}
	for w, prons := range utt {
		for _, p := range prons {
			for j := range len(p) {
				f.collect(utt, w, p, j, site{w, j}, sites)
			}
		}
	}
	minPhones := wordMinPhones(utt)
	index := make([]int32, n) // candidate number + 1, per entry
	var out []candidate
	for _, e := range f.unfiltered {
		out = append(out, candidate{entry: e, starts: allTrue(len(utt))})
		index[e] = int32(len(out))
	}
	for key, ss := range sites {
		for _, p := range f.postings[key] {
			if index[p.entry] == 0 {
				out = append(out, candidate{entry: p.entry, starts: make([]bool, len(utt))})
				index[p.entry] = int32(len(out))
			}
			c := &out[index[p.entry]-1]
			for _, st := range ss {
				markStarts(c.starts, minPhones, st, int(p.offset+p.k))
			}
		}
	}
	return out
}

// markStarts marks the start words from which at most budget phones lie
// before site st.
func markStarts(starts []bool, minPhones []int, st site, budget int) {
	before := st.phone
	for s := st.word; s >= 0 && before <= budget; s-- {
		starts[s] = true
		if s > 0 {
			before += minPhones[s-1]
		}
	}
}

func wordMinPhones(utt [][]string) []int {
	out := make([]int, len(utt))
	for w, prons := range utt {
		for i, p := range prons {
			if i == 0 || len(p) < out[w] {
				out[w] = len(p)
			}
		}
	}
	return out
}

func allTrue(n int) []bool {
	b := make([]bool, n)
	for i := range b {
		b[i] = true
	}
	return b
}

// collect records the class n-grams starting at phone j of pronunciation p
// of word w, continuing into the following words.
func (f *pieceFilter) collect(utt [][]string, w int, p string, j int, at site, sites map[uint32][]site) {
	f.walk(utt, w, p, j, 0, 0, func(key uint32) {
		ss := sites[key]
		if len(ss) == 0 || ss[len(ss)-1] != at {
			sites[key] = append(ss, at)
		}
	})
}

func (f *pieceFilter) walk(utt [][]string, w int, p string, j int, key uint32, l int, found func(uint32)) {
	for ; j < len(p) && l < maxKey; j++ {
		key = key<<classBits | uint32(f.class[p[j]])
		l++
		if f.lengths[l] {
			found(uint32(l)<<(classBits*l) | key)
		}
	}
	if l == maxKey || w+1 >= len(utt) {
		return
	}
	for _, q := range utt[w+1] {
		f.walk(utt, w+1, q, 0, key, l, found)
	}
}
