package phonetic

// FindIDs is FindAmong for a caller that already knows which phrases are
// plausible: it looks only at the entries of ids (duplicates and unknown
// ids are ignored) and returns exactly what FindAmong returns with an
// allow that accepts those ids (TestFindIDsEqualsFindAmong). It is the
// fast path when ids are few: instead of looking every class n-gram of the
// utterance up among all phrases' pieces, it looks each piece of the
// given phrases up among the utterance's n-grams.
func (ix *Index) FindIDs(words []string, ids []int) []Match {
	if len(ids) == 0 || len(words) == 0 {
		return nil
	}
	sc := ix.scratch.Get().(*filterScratch)
	defer ix.scratch.Put(sc)
	utt := ix.pronounceAll(words, sc)
	sc.begin(len(ix.entries))
	nw := len(utt)
	ph := wordPhones(utt, sc)
	// The ids' leads, once each, and their pieces' keys: the utterance's
	// n-grams are indexed only when some listed piece may have them.
	if len(sc.listed) < len(ix.entries) {
		sc.listed = make([]uint32, len(ix.entries))
	}
	listed, filtered := sc.lids[:0], false
	for _, id := range ids {
		ps := ix.leadsOf(id)
		if len(ps) == 0 || sc.listed[ps[0].entry] == sc.gen {
			continue // unknown, or listed already
		}
		sc.listed[ps[0].entry] = sc.gen
		listed = append(listed, id)
		for _, pc := range ps {
			if pc.first != noPieces {
				sc.grams.want.add(pc.key)
				sc.grams.first |= 1 << pc.first
				filtered = true
			}
		}
	}
	sc.lids = listed
	if filtered {
		sc.grams.build(ix.filter, sc.ucls)
	}
	for _, id := range listed {
		for _, pc := range ix.leadsOf(id) {
			if pc.first == noPieces {
				sc.take(pc.entry, nw, true)
				continue
			}
			for s := sc.grams.lookup(pc.key); s >= 0; s = sc.grams.sites[s].next {
				c := sc.take(pc.entry, nw, false)
				off := sc.offs[c]
				st := sc.grams.sites[s]
				markStarts(sc.slab[off:off+int32(nw)], ph, site{int(st.word), int(st.phone)}, int(pc.offset), int(pc.k))
			}
		}
	}
	sc.grams.want.reset()
	sc.grams.first = 0
	return ix.alignCandidates(utt, sc.finish(nw), sc, true)
}

// leadsOf returns the pieces of phrase id's leads.
func (ix *Index) leadsOf(id int) []leadPiece {
	if id >= 0 && id < len(ix.leadsByID) {
		return ix.leadsByID[id]
	}
	return ix.leadsSparse[id]
}

// entriesOf returns the entry numbers of phrase id.
func (ix *Index) entriesOf(id int) []int32 {
	if id >= 0 && id < len(ix.byID) {
		return ix.byID[id]
	}
	return ix.byIDSparse[id]
}

// piece is one pigeonhole piece of an entry: the key of its first phones'
// classes and its offset in the phrase.
type piece struct {
	key    uint32
	offset int32
}

// gramTable maps the class n-grams of one utterance (the keys the filter
// uses) to where they start: open addressing with generation stamps, so
// a call clears nothing.
type gramTable struct {
	want keySet // the keys worth indexing
	// first has bit c set when some wanted key starts with class c: an
	// n-gram starting with another class is never wanted, so build
	// starts no walk there.
	first uint64
	gen   uint32
	shift uint32 // 32 - log2(len(slots))
	slots []gramSlot
	sites []gramSite
}

type gramSlot struct {
	key, gen uint32
	head     int32
}

type gramSite struct {
	word, phone, next int32
}

// build indexes the wanted n-grams of an utterance given as its words'
// pronunciations' classes (pronounceAll's sc.ucls).
func (g *gramTable) build(f *pieceFilter, utt [][]string) {
	n := 0
	for _, prons := range utt {
		for _, p := range prons {
			n += len(p)
		}
	}
	size, bits := 256, uint32(8)
	for size < 8*n { // up to maxKey keys per phone, at most half full
		size, bits = size*2, bits+1
	}
	g.shift = 32 - bits
	// By capacity: a short utterance reslices the table, and the next
	// longer one must not make a new one (it did, for most utterances).
	// Slots past the current length keep older generations, so a wrap
	// clears them all.
	if cap(g.slots) < size {
		g.slots = make([]gramSlot, size)
		g.gen = 0
	}
	g.slots = g.slots[:size]
	g.gen++
	if g.gen == 0 {
		clear(g.slots[:cap(g.slots)])
		g.gen = 1
	}
	g.sites = g.sites[:0]
	for w, prons := range utt {
		for _, p := range prons {
			g.scanPron(f, utt, w, p)
		}
	}
}

// scanPron inserts the wanted n-grams starting in pronunciation p of word
// w: walk's, from every start, but those within the word from a window of
// the next maxKey classes slid back from the word's end (walk rebuilt
// each from its phones, a third of FindIDs' n-gram time), and only the
// ones reaching into the next word through walk.
func (g *gramTable) scanPron(f *pieceFilter, utt [][]string, w int, p string) {
	var win uint32 // classes p[j..j+maxKey-1], p[j] highest
	for j := len(p) - 1; j >= 0; j-- {
		win = win>>classBits | uint32(p[j])<<(classBits*(maxKey-1))
		if g.first&(1<<p[j]) == 0 {
			continue
		}
		in := min(len(p)-j, maxKey) // the phones of the word from j
		for l := 1; l <= in; l++ {
			if f.lengths[l] {
				if k := uint32(l)<<(classBits*l) | win>>(classBits*(maxKey-l)); g.want.has(k) {
					g.insert(k, int32(w), int32(j))
				}
			}
		}
		if in < maxKey && w+1 < len(utt) {
			key := win >> (classBits * (maxKey - in))
			for _, q := range utt[w+1] {
				g.walk(f, utt, int32(w), int32(j), w+1, q, 0, key, in)
			}
		}
	}
}

// walk inserts the key of every class n-gram (of a length the filter
// uses) starting at phone j0 of word w0, continuing into the following
// words: f.walk without a callback, over classes (p is a pronunciation's).
func (g *gramTable) walk(f *pieceFilter, utt [][]string, w0, j0 int32, w int, p string, j int, key uint32, l int) {
	for ; j < len(p) && l < maxKey; j++ {
		key = key<<classBits | uint32(p[j])
		l++
		if f.lengths[l] {
			if k := uint32(l)<<(classBits*l) | key; g.want.has(k) {
				g.insert(k, w0, j0)
			}
		}
	}
	if l == maxKey || w+1 >= len(utt) {
		return
	}
	for _, q := range utt[w+1] {
		g.walk(f, utt, w0, j0, w+1, q, 0, key, l)
	}
}

func (g *gramTable) slot(key uint32) *gramSlot {
	mask := uint32(len(g.slots) - 1)
	for h := (key * 0x9e3779b1) >> g.shift; ; h = (h + 1) & mask {
		s := &g.slots[h]
		if s.gen != g.gen || s.key == key {
			return s
		}
	}
}

func (g *gramTable) insert(key uint32, w, j int32) {
	s := g.slot(key)
	if s.gen != g.gen {
		s.key, s.gen, s.head = key, g.gen, -1
	}
	g.sites = append(g.sites, gramSite{word: w, phone: j, next: s.head})
	s.head = int32(len(g.sites) - 1)
}

// lookup returns the first site of key, or -1.
func (g *gramTable) lookup(key uint32) int32 {
	if s := g.slot(key); s.gen == g.gen {
		return s.head
	}
	return -1
}

// keySet is a one-hash Bloom filter of keys: has may say yes for a key
// never added, never no for one added.
type keySet struct {
	bits [keySetWords]uint64
	set  []uint16 // the words with a bit set, for reset
}

const keySetWords = 1024 // 65,536 bits

func keyBit(k uint32) (uint32, uint64) {
	h := (k * 0x9e3779b1) >> 16
	return h >> 6, 1 << (h & 63)
}

func (s *keySet) add(k uint32) {
	w, b := keyBit(k)
	if s.bits[w] == 0 {
		s.set = append(s.set, uint16(w))
	}
	s.bits[w] |= b
}

func (s *keySet) has(k uint32) bool {
	w, b := keyBit(k)
	return s.bits[w]&b != 0
}

func (s *keySet) reset() {
	for _, w := range s.set {
		s.bits[w] = 0
	}
	s.set = s.set[:0]
}
