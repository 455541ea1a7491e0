package phonetic

import "slices"

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
	dense      [256]uint8 // phone: its class numbered from 0 (see bag.go)
	nDense     int
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
	f := &pieceFilter{class: class, postings: map[uint32][]posting{}}
	num := map[byte]uint8{}
	for p, c := range class {
		n, ok := num[c]
		if !ok {
			n = uint8(len(num))
			num[c] = n
		}
		f.dense[p] = n
	}
	f.nDense = max(1, len(num))
	return f
}

// add registers entry e with phones that tolerate k full edits and
// returns its pieces (nil: the filter cannot exclude it).
func (f *pieceFilter) add(e int32, phones string, k int) []piece {
	m := len(phones)
	if k+1 > m {
		f.unfiltered = append(f.unfiltered, e)
		return nil
	}
	pieces := make([]piece, 0, k+1)
	for i := 0; i <= k; i++ {
		lo, hi := i*m/(k+1), (i+1)*m/(k+1)
		key := f.key(phones[lo:min(hi, lo+maxKey)])
		f.postings[key] = append(f.postings[key], posting{e, int32(lo), int32(k)})
		f.lengths[min(hi-lo, maxKey)] = true
		pieces = append(pieces, piece{key: key, offset: int32(lo)})
	}
	return pieces
}

// sameClasses reports whether two phone strings have the same classes,
// phone for phone.
func (f *pieceFilter) sameClasses(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if f.class[a[i]] != f.class[b[i]] {
			return false
		}
	}
	return true
}

// key packs the classes of up to maxKey phones with their count.
func (f *pieceFilter) key(phones string) uint32 {
	k := uint32(len(phones))
	for i := 0; i < len(phones); i++ {
		k = k<<classBits | uint32(f.class[phones[i]])
	}
	return k
}

// filterScratch is the per-call memory of candidates, pooled by the
// Index: a stamp per entry instead of a cleared array, and every
// candidate's start words in one slab.
type filterScratch struct {
	gen   uint32
	stamp []uint32 // entry: a candidate in call gen
	slot  []int32  // entry: its index in out
	offs  []int32  // candidate: its starts' offset in slab
	out   []candidate
	slab  []bool
	// allowGen/allowOK memoize the caller's allow per entry and call.
	allowGen []uint32
	allowOK  []bool
	utt      [][]string  // pronounceAll's result
	ucls     [][]string  // and its classes
	uslots   []*wordSlot // and the words' cache entries
	align    alignScratch
	matches  []Match
	grams    gramTable // FindIDs' n-grams of the utterance
	listed   []uint32  // FindIDs: entry (an id's first lead) listed in call gen
	lids     []int     // and those ids
	minPh    []int     // wordPhones' result
	maxPh    []int
	bag      bagScratch
}

func (sc *filterScratch) growAllow(n int) {
	if len(sc.allowGen) < n {
		sc.allowGen, sc.allowOK = make([]uint32, n), make([]bool, n)
	}
}

func (sc *filterScratch) begin(n int) {
	if len(sc.stamp) < n {
		sc.stamp, sc.slot = make([]uint32, n), make([]int32, n)
	}
	sc.gen++
	if sc.gen == 0 {
		clear(sc.stamp)
		clear(sc.allowGen)
		clear(sc.listed)
		sc.gen = 1
	}
	sc.out, sc.offs, sc.slab = sc.out[:0], sc.offs[:0], sc.slab[:0]
}

// take returns entry e's candidate number, making it with every start
// set to all.
func (sc *filterScratch) take(e int32, words int, all bool) int32 {
	if sc.stamp[e] == sc.gen {
		return sc.slot[e]
	}
	sc.stamp[e], sc.slot[e] = sc.gen, int32(len(sc.out))
	sc.out = append(sc.out, candidate{entry: e})
	sc.offs = append(sc.offs, int32(len(sc.slab)))
	n := len(sc.slab)
	sc.slab = slices.Grow(sc.slab, words)[:n+words]
	st := sc.slab[n:]
	for i := range st {
		st[i] = all
	}
	return sc.slot[e]
}

// candidates returns the entries, out of n, that may occur in utt and ok
// accepts, with their possible start words. The result lives in sc until
// its next call.
func (f *pieceFilter) candidates(utt [][]string, n int, sc *filterScratch, ok func(entry int32) bool) []candidate {
	sc.begin(n)
	words := len(utt)
	for _, e := range f.unfiltered {
		if ok(e) {
			sc.take(e, words, true)
		}
	}
	ph := wordPhones(utt, sc)
	for w, prons := range utt {
		for _, p := range prons {
			for j := range len(p) {
				at := site{w, j}
				f.walk(utt, w, p, j, 0, 0, func(key uint32) {
					for _, ps := range f.postings[key] {
						if !ok(ps.entry) {
							continue
						}
						c := sc.take(ps.entry, words, false)
						off := sc.offs[c]
						markStarts(sc.slab[off:off+int32(words)], ph, at, int(ps.offset), int(ps.k))
					}
				})
			}
		}
	}
	return sc.finish(words)
}

// finish points every candidate at its start words in the slab.
func (sc *filterScratch) finish(words int) []candidate {
	for i := range sc.out {
		off := sc.offs[i]
		sc.out[i].starts = sc.slab[off : off+int32(words) : off+int32(words)]
	}
	return sc.out
}

// markStarts marks the start words from which the phones before site st
// can align with the phrase's first offset phones within k full edits:
// between offset-k and offset+k of them (each insertion or deletion is a
// full edit; a piece without full edits aligns phone for phone).
func markStarts(starts []bool, ph phoneRange, st site, offset, k int) {
	lo, hi := st.phone, st.phone // the phones before st from word s's start
	for s := st.word; s >= 0 && lo <= offset+k; s-- {
		if hi >= offset-k {
			starts[s] = true
		}
		if s > 0 {
			lo, hi = lo+ph.min[s-1], hi+ph.max[s-1]
		}
	}
}

// phoneRange is, per word, its shortest and longest pronunciation.
type phoneRange struct{ min, max []int }

func wordPhones(utt [][]string, sc *filterScratch) phoneRange {
	lo := append(sc.minPh[:0], make([]int, len(utt))...)
	hi := append(sc.maxPh[:0], make([]int, len(utt))...)
	sc.minPh, sc.maxPh = lo, hi
	for w, prons := range utt {
		for i, p := range prons {
			if i == 0 || len(p) < lo[w] {
				lo[w] = len(p)
			}
			hi[w] = max(hi[w], len(p))
		}
	}
	return phoneRange{lo, hi}
}

// walk calls found with the key of every class n-gram starting at phone j
// of pronunciation p of word w, continuing into the following words.
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
