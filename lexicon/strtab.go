package lexicon

import "math/bits"

// strIDs is a frozen string -> id table for the hot path: the word, stem,
// prefix, join and digit keys of every token are looked up in one. Go's
// map hashes with a per-map seed through a call and probes groups of
// eight; for the short words of speech an open-addressed table with an
// inline hash of the first and last bytes, a 32-bit tag per slot and one
// string compare on a tag match is about twice as fast, and a token is
// looked up several times.
type strIDs struct {
	slots []strSlot
	mask  uint64
	n     int
}

// strSlot keeps its key beside its tag: one cache line per lookup.
type strSlot struct {
	tag uint32 // hash bits, never 0 in a used slot
	id  int32
	key string
}

// newStrIDs freezes m; the table is at most half full.
func newStrIDs(m map[string]int32) strIDs {
	size := 8
	for size < 2*len(m) {
		size *= 2
	}
	t := strIDs{slots: make([]strSlot, size), mask: uint64(size - 1), n: len(m)}
	for k, id := range m {
		h := strHash(k)
		i, tag := h&t.mask, strTag(h)
		for t.slots[i].tag != 0 {
			i = (i + 1) & t.mask
		}
		t.slots[i] = strSlot{tag, id, k}
	}
	return t
}

// get returns s's id and whether s is in the table.
func (t *strIDs) get(s string) (int32, bool) {
	if t.n == 0 {
		return -1, false
	}
	h := strHash(s)
	i, tag := h&t.mask, strTag(h)
	for {
		sl := &t.slots[i]
		if sl.tag == 0 {
			return -1, false
		}
		if sl.tag == tag && sl.key == s {
			return sl.id, true
		}
		i = (i + 1) & t.mask
	}
}

// id is get's id, -1 when s is not in the table.
func (t *strIDs) id(s string) int32 {
	id, _ := t.get(s)
	return id
}

func strTag(h uint64) uint32 { return uint32(h>>32) | 1 }

// strHash mixes a string's length with its first and last eight bytes
// (and every eight in between for longer ones); the compiler turns the
// byte shifts into single loads.
func strHash(s string) uint64 {
	const k0, k1 = 0x9e3779b97f4a7c15, 0xbf58476d1ce4e5b9
	n := len(s)
	var a, b uint64
	switch {
	case n >= 8:
		a, b = load64(s, 0), load64(s, n-8)
		for i := 8; i < n-8; i += 8 {
			a = mix(a^k1, load64(s, i))
		}
	case n >= 4:
		a, b = uint64(load32(s, 0)), uint64(load32(s, n-4))
	case n > 0:
		a = uint64(s[0])<<16 | uint64(s[n>>1])<<8 | uint64(s[n-1])
	}
	return mix(a^k0, b^uint64(n)^k1)
}

func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func load32(s string, i int) uint32 {
	s = s[i : i+4]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}
