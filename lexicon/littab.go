package lexicon

import "math/bits"

// litTab is the literal ASCII path's word table (buildLitWords). Most
// words of speech have at most eight letters, and such a word is its
// packed integer (analysis.ASCIIScanner.Packed, which the scanner builds
// as it reads the letters): it is found by a multiplicative hash of that
// integer and one integer compare, with no pass over its bytes to hash
// them and no string compare, a third of the literal path's time per
// word. Longer words are looked up by their text.
type litTab struct {
	slots []litSlot
	shift uint8
	long  strIDs // words of more than eight bytes -> index in longInfo
	info  []litWord
}

// litSlot keeps the word's litWord beside its key: one cache line a lookup.
type litSlot struct {
	key uint64 // the packed word; 0: empty
	w   litWord
}

// newLitTab freezes words; the packed table is at most half full.
func newLitTab(words map[string]litWord) litTab {
	long := map[string]int32{}
	var t litTab
	short := 0
	for w, lw := range words {
		if len(w) > 8 {
			long[w] = int32(len(t.info))
			t.info = append(t.info, lw)
		} else {
			short++
		}
	}
	b := max(3, bits.Len(uint(2*short)))
	t.slots, t.shift = make([]litSlot, 1<<b), uint8(64-b)
	mask := uint64(len(t.slots) - 1)
	for w, lw := range words {
		if len(w) > 8 {
			continue
		}
		k := packWord(w)
		i := t.slot(k)
		for t.slots[i].key != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = litSlot{key: k, w: lw}
	}
	t.long = newStrIDs(long)
	return t
}

func (t *litTab) slot(k uint64) uint64 { return k * 0x9e3779b97f4a7c15 >> t.shift }

// get returns the word's entry, given its packed integer and normalized
// length (Packed) and its text.
func (t *litTab) get(pack uint64, n int, text string) (*litWord, bool) {
	if n > 8 {
		if i, ok := t.long.get(text); ok {
			return &t.info[i], true
		}
		return nil, false
	}
	mask := uint64(len(t.slots) - 1)
	for i := t.slot(pack); ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.key == pack {
			return &sl.w, true
		}
		if sl.key == 0 {
			return nil, false
		}
	}
}

// packWord is Packed's integer of a normalized word of at most eight bytes.
func packWord(w string) uint64 {
	var p uint64
	for i := 0; i < len(w); i++ {
		p |= uint64(w[i]) << (8 * i)
	}
	return p
}
