package lexicon

import (
	"strings"
	"sync"

	"github.com/mozillazg/go-pinyin"
)

// syl is a toneless pinyin syllable id; 0 means none.
type syl uint16

// pinyinTable maps Han characters to all their toneless readings and
// syllables to a "fuzzy" form that merges the sounds ASR and southern
// accents confuse (zh/z, ch/c, sh/s, -ng/-n), so 卫星 weixing meets 微信.
type pinyinTable struct {
	names    []string
	ids      map[string]syl
	fuzzy    []syl
	readings map[rune][]syl
	// toned holds each character's readings with tones (ids of tonedIDs),
	// most common first: 威 and 微 share wēi, 秘 (mì) and 别 (bié) do not.
	toned    map[rune][]uint16
	tonedIDs map[string]uint16
	letters  [256][]syl
	maxLen   int
}

// pinyinData builds the table on first use (~40k characters): a one-time,
// read-only table shared by every Engine.
var pinyinData = sync.OnceValue(buildPinyin)

var toneless = strings.NewReplacer(
	"ā", "a", "á", "a", "ǎ", "a", "à", "a", "ē", "e", "é", "e", "ě", "e", "è", "e",
	"ī", "i", "í", "i", "ǐ", "i", "ì", "i", "ō", "o", "ó", "o", "ǒ", "o", "ò", "o",
	"ū", "u", "ú", "u", "ǔ", "u", "ù", "u", "ǖ", "v", "ǘ", "v", "ǚ", "v", "ǜ", "v", "ü", "v",
	"ń", "n", "ň", "n", "ǹ", "n", "ḿ", "m", "ê̄", "e", "ế", "e", "ê̌", "e", "ề", "e", "ê", "e")

func buildPinyin() *pinyinTable {
	t := &pinyinTable{ids: map[string]syl{}, names: []string{""}, fuzzy: []syl{0},
		readings: make(map[rune][]syl, len(pinyin.PinyinDict)),
		toned:    make(map[rune][]uint16, len(pinyin.PinyinDict)), tonedIDs: map[string]uint16{}}
	for r, v := range pinyin.PinyinDict {
		var rs []syl
		var ts []uint16
		for _, p := range strings.Split(v, ",") {
			id := t.intern(toneless.Replace(p))
			if id != 0 && !hasSyl(rs, id) {
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
	return t
}

// intern returns the id of s (and of its fuzzy form), adding them.
func (t *pinyinTable) intern(s string) syl {
	if s == "" || !isLatinWord(s) {
		return 0
	}
	if id, ok := t.ids[s]; ok {
		return id
	}
	id := syl(len(t.names))
	t.names = append(t.names, s)
	t.ids[s] = id
	t.fuzzy = append(t.fuzzy, id)
	t.maxLen = max(t.maxLen, len(s))
	if f := fuzzyForm(s); f != s {
		t.fuzzy[id] = t.intern(f)
	}
	return id
}

func (t *pinyinTable) internToned(s string) uint16 {
	id, ok := t.tonedIDs[s]
	if !ok {
		id = uint16(len(t.tonedIDs) + 1)
		t.tonedIDs[s] = id
	}
	return id
}

// primaryTone reports whether b has a's most common reading, tone
// included (行 háng for 航).
func (t *pinyinTable) primaryTone(a, b rune) bool {
	ta := t.toned[a]
	return len(ta) > 0 && hasTone(t.toned[b], ta[0])
}

// samePrimary reports whether a and b's most common readings are the same,
// tone included (威 and 微 wēi; not 维 wéi, 卫 wèi, or 支 whose rare zhì
// is 治's main reading).
func (t *pinyinTable) samePrimary(a, b rune) bool {
	ta, tb := t.toned[a], t.toned[b]
	return len(ta) > 0 && len(tb) > 0 && ta[0] == tb[0]
}

// sharedTone reports whether a and b share a reading with its tone, one of
// them being the character's most common reading (行 háng and 航 háng; not
// 王 and 或, whose shared yù is rare for both).
func (t *pinyinTable) sharedTone(a, b rune) bool {
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

func hasSyl(ss []syl, id syl) bool {
	for _, s := range ss {
		if s == id {
			return true
		}
	}
	return false
}

// initial is the letter a pinyin abbreviation uses for a syllable (wx for
// weixin); v stands for w because "vx" is the common spelling.
func (t *pinyinTable) initial(id syl) byte {
	n := t.names[id]
	if n == "" {
		return 0
	}
	return n[0]
}

// segments reports whether word is a concatenation of known syllables, and
// returns every syllable used by some full segmentation (for candidate keys).
func (t *pinyinTable) segments(word string) []syl {
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
	var out []syl
	for i := 0; i < n; i++ {
		for l := 1; reach[i] && l <= t.maxLen && i+l <= n; l++ {
			if id, ok := t.ids[word[i:i+l]]; ok && !hasSyl(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}
