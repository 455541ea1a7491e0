package phonetic

// Costs of phone edits, in quarter phones: a full edit costs fullCost.
const (
	fullCost    = 4
	similarCost = 2 // vowel for vowel, voiced for unvoiced, nasal for nasal
	closeCost   = 1 // near-identical vowels (IH/IY, AH/ER, ...)
)

// vowels of ARPAbet; the map value names a group of near-identical vowels.
var vowelGroups = map[string]int{
	"IY": 1, "IH": 1,
	"EH": 2, "AE": 2, "EY": 2,
	"AH": 3, "AX": 3, "ER": 3, "AXR": 3,
	"AA": 4, "AO": 4,
	"UH": 5, "UW": 5,
	"OW": 6, "OY": 7, "AW": 8, "AY": 9,
}

// consonantClasses groups consonants whose substitution costs similarCost:
// voiced/unvoiced pairs and nasals. A consonant not listed is its own class.
var consonantClasses = map[string]int{
	"P": 1, "B": 1,
	"T": 2, "D": 2, "DX": 2,
	"K": 3, "G": 3,
	"F": 4, "V": 4,
	"S": 5, "Z": 5,
	"TH": 6, "DH": 6,
	"SH": 7, "ZH": 7,
	"CH": 8, "JH": 8,
	"M": 9, "N": 9, "NG": 9,
}

// vowelClass is the filter class shared by all vowels.
const vowelClass = 0

// phoneTable numbers the phones of one dictionary and knows their costs.
// Phone ids fit in a byte so pronunciations are stored as strings.
type phoneTable struct {
	ids   map[string]byte
	names []string
}

func newPhoneTable() *phoneTable {
	return &phoneTable{ids: map[string]byte{}}
}

// id returns the id of phone p, adding it if new; ok is false when the
// table is full.
func (t *phoneTable) id(p string) (byte, bool) {
	if id, ok := t.ids[p]; ok {
		return id, true
	}
	if len(t.names) >= 256 {
		return 0, false
	}
	id := byte(len(t.names))
	t.ids[p] = id
	t.names = append(t.names, p)
	return id, true
}

// classes returns the filter class of every phone: substitutions within a
// class cost less than fullCost, across classes fullCost. Classes are below
// 64 when the table holds standard ARPAbet.
func (t *phoneTable) classes() []byte {
	out := make([]byte, len(t.names))
	next := 20 // after the consonant classes above
	own := map[string]int{}
	for i, n := range t.names {
		switch {
		case vowelGroups[n] != 0:
			out[i] = vowelClass
		case consonantClasses[n] != 0:
			out[i] = byte(consonantClasses[n])
		default:
			c, ok := own[n]
			if !ok {
				c = next
				next++
				own[n] = c
			}
			out[i] = byte(c % 64)
		}
	}
	return out
}

// costs returns the substitution cost matrix, row-major by phone id.
func (t *phoneTable) costs() []uint8 {
	n := len(t.names)
	out := make([]uint8, n*n)
	for a := 0; a < n; a++ {
		for b := 0; b < n; b++ {
			out[a*n+b] = subCost(t.names[a], t.names[b])
		}
	}
	return out
}

func subCost(a, b string) uint8 {
	if a == b {
		return 0
	}
	ga, gb := vowelGroups[a], vowelGroups[b]
	switch {
	case ga != 0 && ga == gb:
		return closeCost
	case ga != 0 && gb != 0:
		return similarCost
	}
	ca, cb := consonantClasses[a], consonantClasses[b]
	if ca != 0 && ca == cb {
		return similarCost
	}
	return fullCost
}
