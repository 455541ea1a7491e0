package pinyin

import (
	"strings"
	"sync"
	"unicode"

	gopinyin "github.com/mozillazg/go-pinyin"
)

// Syllable is the id of a toneless pinyin syllable (or of a letter's
// Chinese name) in a Table; 0 means none. Ids are small integers so that
// matchers can key maps and compare readings without strings.
type Syllable uint16

// Table maps Han characters to all their toneless readings, and syllables
// to a "fuzzy" form that merges the sounds ASR and southern accents confuse
// (zh/z, ch/c, sh/s, -ng/-n), so 卫星 weixing meets 微信. It also knows the
// toned readings, to tell 威/微 (both wēi) from 维 (wéi). A Table is
// immutable once built and safe for concurrent use.
type Table struct {
	names    []string
	ids      map[string]Syllable
	fuzzy    []Syllable
	readings map[rune][]Syllable
	// toned holds each character's readings with tones (ids of tonedIDs),
	// most common first: 威 and 微 share wēi, 秘 (mì) and 别 (bié) do not.
	toned    map[rune][]uint16
	tonedIDs map[string]uint16
	letters  [256][]Syllable
	maxLen   int
	// cjk holds the readings of U+3400..U+9FFF, the characters of nearly
	// all text, as slices of one array: a lookup is two loads, not a map
	// access.
	cjk    []Syllable
	cjkOff []uint32
}

// Range of Table.cjk.
const cjkLo, cjkHi = 0x3400, 0x9fff

// defaultTable is built on first use (~40k characters, a few ms): one
// read-only table shared by every caller.
var defaultTable = sync.OnceValue(build)

// Default returns the table built from the go-pinyin dictionary, with the
// Chinese names of Latin letters (letterSyllables).
func Default() *Table { return defaultTable() }

var toneless = strings.NewReplacer(
	"ā", "a", "á", "a", "ǎ", "a", "à", "a", "ē", "e", "é", "e", "ě", "e", "è", "e",
	"ī", "i", "í", "i", "ǐ", "i", "ì", "i", "ō", "o", "ó", "o", "ǒ", "o", "ò", "o",
	"ū", "u", "ú", "u", "ǔ", "u", "ù", "u", "ǖ", "v", "ǘ", "v", "ǚ", "v", "ǜ", "v", "ü", "v",
	"ń", "n", "ň", "n", "ǹ", "n", "ḿ", "m", "ê̄", "e", "ế", "e", "ê̌", "e", "ề", "e", "ê", "e")

// letterSyllables are Latin letters as Chinese speakers say them (V信 for
// 微信, QQ heard as 扣扣/球球), as toneless pinyin-like syllables.
var letterSyllables = map[byte][]string{
	'a': {"ei", "ai"}, 'b': {"bi"}, 'c': {"xi", "sei", "si"}, 'd': {"di"}, 'e': {"yi"},
	'g': {"ji"}, 'i': {"ai"}, 'j': {"jie", "zhei"}, 'k': {"kai", "kei"}, 'n': {"en"},
	'o': {"ou", "o"}, 'p': {"pi"}, 'q': {"kiu", "kou", "qiu", "ku"}, 't': {"ti"},
	'u': {"you"}, 'v': {"wei", "wi"}, 'y': {"wai"}, 'z': {"zei", "zi"},
}

func build() *Table {
	t := &Table{ids: map[string]Syllable{}, names: []string{""}, fuzzy: []Syllable{0},
		readings: make(map[rune][]Syllable, len(gopinyin.PinyinDict)),
		toned:    make(map[rune][]uint16, len(gopinyin.PinyinDict)), tonedIDs: map[string]uint16{}}
	for r, v := range gopinyin.PinyinDict {
		var rs []Syllable
		var ts []uint16
		for _, p := range strings.Split(v, ",") {
			id := t.intern(toneless.Replace(p))
			if id != 0 && !Contains(rs, id) {
				rs = append(rs, id)
			}
			ts = append(ts, t.internToned(p))
		}
		t.readings[rune(r)] = rs
		t.toned[rune(r)] = ts
	}
	for b, ss := range letterSyllables {
		for _, s := range ss {
			t.letters[b] = append(t.letters[b], t.intern(s))
		}
	}
	t.cjkOff = make([]uint32, cjkHi-cjkLo+2)
	for r := rune(cjkLo); r <= cjkHi; r++ {
		t.cjk = append(t.cjk, t.readings[r]...)
		t.cjkOff[r-cjkLo+1] = uint32(len(t.cjk))
	}
	return t
}

// intern returns the id of s (and of its fuzzy form), adding them.
func (t *Table) intern(s string) Syllable {
	if s == "" || !asciiLetters(s) {
		return 0
	}
	if id, ok := t.ids[s]; ok {
		return id
	}
	id := Syllable(len(t.names))
	t.names = append(t.names, s)
	t.ids[s] = id
	t.fuzzy = append(t.fuzzy, id)
	t.maxLen = max(t.maxLen, len(s))
	if f := fuzzyForm(s); f != s {
		t.fuzzy[id] = t.intern(f)
	}
	return id
}

func (t *Table) internToned(s string) uint16 {
	id, ok := t.tonedIDs[s]
	if !ok {
		id = uint16(len(t.tonedIDs) + 1)
		t.tonedIDs[s] = id
	}
	return id
}

// Syllables returns the toneless readings of a Han character, most common
// first, or nil for anything else. The slice is shared: do not modify it.
func (t *Table) Syllables(r rune) []Syllable {
	if cjkLo <= r && r <= cjkHi {
		a, b := t.cjkOff[r-cjkLo], t.cjkOff[r-cjkLo+1]
		if a == b {
			return nil
		}
		return t.cjk[a:b:b]
	}
	return t.readings[r]
}

// Letter returns the syllables a Latin letter is read as by Chinese
// speakers (v: wei, wi), or nil. The slice is shared: do not modify it.
func (t *Table) Letter(b byte) []Syllable { return t.letters[b] }

// Len is one more than the largest Syllable id: the length of a slice
// indexed by Syllable.
func (t *Table) Len() int { return len(t.names) }

// Name returns the spelling of s ("" for 0).
func (t *Table) Name(s Syllable) string { return t.names[s] }

// Lookup returns the id of a toneless syllable spelling.
func (t *Table) Lookup(name string) (Syllable, bool) {
	id, ok := t.ids[name]
	return id, ok
}

// Fuzzy returns the fuzzy form of s (zhi → zi, xing → xin); a syllable
// without one is its own fuzzy form.
func (t *Table) Fuzzy(s Syllable) Syllable { return t.fuzzy[s] }

// primaryTone reports whether b has a's most common reading, tone
// included (行 háng for 航).
func (t *Table) primaryTone(a, b rune) bool {
	ta := t.toned[a]
	return len(ta) > 0 && hasTone(t.toned[b], ta[0])
}

// SamePrimary reports whether a and b's most common readings are the same,
// tone included (威 and 微 wēi; not 维 wéi, 卫 wèi, or 支 whose rare zhì
// is 治's main reading).
func (t *Table) SamePrimary(a, b rune) bool {
	ta, tb := t.toned[a], t.toned[b]
	return len(ta) > 0 && len(tb) > 0 && ta[0] == tb[0]
}

// SharedTone reports whether a and b share a reading with its tone, one of
// them being the character's most common reading (行 háng and 航 háng; not
// 王 and 或, whose shared yù is rare for both).
func (t *Table) SharedTone(a, b rune) bool {
	return t.primaryTone(a, b) || t.primaryTone(b, a)
}

func hasTone(ts []uint16, id uint16) bool {
	for _, x := range ts {
		if x == id {
			return true
		}
	}
	return false
}

func fuzzyForm(s string) string {
	for _, p := range []string{"zh", "ch", "sh"} {
		if strings.HasPrefix(s, p) {
			s = s[:1] + s[2:]
		}
	}
	if strings.HasSuffix(s, "ng") && len(s) > 2 {
		s = s[:len(s)-1]
	}
	return s
}

// Contains reports whether ss holds s.
func Contains(ss []Syllable, s Syllable) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// asciiLetters reports a non-empty run of ASCII letters: the only
// spellings the table interns (go-pinyin's few odd entries are skipped).
func asciiLetters(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII || !unicode.IsLetter(r) {
			return false
		}
	}
	return s != ""
}

// Initial is the letter a pinyin abbreviation uses for a syllable (wx for
// weixin), 0 for none. Abbreviations typed with v for w ("vx") are the
// caller's to fold.
func (t *Table) Initial(s Syllable) byte {
	n := t.names[s]
	if n == "" {
		return 0
	}
	return n[0]
}

// Segments reports whether word is a concatenation of known syllables, and
// returns every syllable used by some full segmentation (nil when there is
// none), so a typed "weixin" can key the readings of 微信.
func (t *Table) Segments(word string) []Syllable {
	n := len(word)
	if n < 2 || n > 40 {
		return nil
	}
	reach := make([]bool, n+1) // reach[i]: word[:i] segments fully
	reach[0] = true
	for i := 0; i < n; i++ {
		for l := 1; reach[i] && l <= t.maxLen && i+l <= n; l++ {
			if _, ok := t.ids[word[i:i+l]]; ok {
				reach[i+l] = true
			}
		}
	}
	if !reach[n] {
		return nil
	}
	var out []Syllable
	for i := 0; i < n; i++ {
		for l := 1; reach[i] && l <= t.maxLen && i+l <= n; l++ {
			if id, ok := t.ids[word[i:i+l]]; ok && !Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}
