package analysis

import (
	"fmt"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/liuzl/da"
	"github.com/longbridgeapp/opencc"
)

// Traditional to simplified conversion comes from OpenCC's dictionaries
// (github.com/longbridgeapp/opencc embeds them), the way OpenCC's tw2s and
// hk2s conversions chain them: first the Taiwan and Hong Kong variant
// characters and phrases are brought to OpenCC's standard traditional form
// (裡 → 裏, 著名 stays 著名), then TSPhrases and TSCharacters convert to
// simplified (反覆 → 反复, 瞭解 → 了解, 醫療 → 医疗). Every phrase of these
// dictionaries converts character for character, so a conversion never
// changes how many runes there are and every rune keeps its source span.
//
// The module's own Convert allocates per call and its dictionary lookup
// (liuzl/da Get) returns wrong values, so the dictionaries are read once
// into per-rune tables instead.

// commerceOverlay corrects OpenCC where live-commerce speech means
// something else: 帳 is almost always 转账 (transfer money), which OpenCC
// writes 帐 (a tent, or the older spelling of 账).
// It also carries variants OpenCC has in none of its tables that typed
// evasions use: 躰 (体, as in 躰重), 嬭 (奶), 賸 (剩), 邨 (村). Not 袪: a
// character of its own (a sleeve), however often written for 祛.
var commerceOverlay = map[rune]rune{'帳': '账', '帐': '账', '躰': '体', '嬭': '奶', '賸': '剩', '邨': '村'}

// converter is the compiled conversion. It is built once and never written
// afterwards. Per rune it is one table lookup: the composition of both
// stages' characters and the overlay; the few runes that start a phrase
// whose conversion differs from converting its characters one by one
// (反覆 → 反复 where 覆 alone stays 覆) carry a flag and try their phrases.
type converter struct {
	bmp []uint32 // rune-bmpBase -> converted rune | phraseFlag; 0: unchanged
	// active has bit r-bmpBase set when bmp says r converts or starts a
	// phrase: 7 KB that stay in cache where bmp is 213 KB, and almost
	// every rune of a simplified text has its bit clear.
	active  []uint64
	supp    map[rune]rune         // the same above the BMP
	phrases map[rune][]convPhrase // by first rune, longest first
}

// bmpBase is the first rune the table covers (CJK Radicals Supplement);
// nothing below it converts.
const bmpBase = 0x2e80

const (
	phraseFlag = 1 << 31
	runeMask   = 1<<21 - 1
)

type convPhrase struct{ from, to []rune }

// convStage is one group of OpenCC's chain, used while building.
type convStage struct {
	chars   map[rune]rune
	phrases map[rune][]convPhrase
}

var t2sConverter = sync.OnceValue(func() *converter {
	c, err := buildConverter()
	if err != nil {
		// The dictionaries are embedded in the module: failing to read
		// them is a broken build, not bad input.
		panic(fmt.Sprintf("analysis: OpenCC dictionaries: %v", err))
	}
	return c
})

func buildConverter() (*converter, error) {
	tw, err := opencc.New("tw2s")
	if err != nil {
		return nil, err
	}
	hk, err := opencc.New("hk2s")
	if err != nil {
		return nil, err
	}
	// Japanese shinjitai (価, 売, 薬, 汚) are how typed Chinese hides a
	// word from a simplified-only filter: OpenCC's JPVariantsRev (jp2t,
	// which the module does not offer) turns them traditional, which
	// TSCharacters then simplifies.
	// Both conversions have two groups: variants (phrases, characters),
	// then TSPhrases and TSCharacters.
	if len(tw.DictChains) != 2 || len(hk.DictChains) != 2 {
		return nil, fmt.Errorf("unexpected conversion chains %v %v", tw.DictChains, hk.DictChains)
	}
	var stages [2]convStage
	for i := range stages {
		st := convStage{chars: map[rune]rune{}, phrases: map[rune][]convPhrase{}}
		for _, g := range []*opencc.Group{tw.DictChains[i], hk.DictChains[i]} {
			for _, d := range g.Dicts {
				if err := st.add(d); err != nil {
					return nil, err
				}
			}
		}
		stages[i] = st
	}
	jpChars, err := readCharTable(jpVariantsRev)
	if err != nil {
		return nil, err
	}
	for r, to := range jpChars {
		if _, ok := stages[0].chars[r]; !ok && !jpNotVariant[r] {
			stages[0].chars[r] = to
		}
	}
	// The variant tables are written for traditional text; a few of their
	// keys are also everyday simplified characters (么 in 什么 would become
	// 幺, which reads as the digit 1). A character TSCharacters produces is
	// simplified already: the variants may not turn it into another one.
	simplified := map[rune]bool{}
	for _, s := range stages[1].chars {
		simplified[s] = true
	}
	for r := range stages[0].chars {
		if simplified[r] {
			delete(stages[0].chars, r)
		}
	}
	once := func(r rune) rune {
		for i := range stages {
			if s, ok := stages[i].chars[r]; ok {
				r = s
			}
		}
		if s, ok := commerceOverlay[r]; ok {
			r = s
		}
		return r
	}
	// OpenCC's tables chain in places (薴 → 苧 → 苎); normalization must be
	// idempotent, so a character converts to the end of its chain.
	char := func(r rune) rune {
		for range 4 {
			s := once(r)
			if s == r {
				break
			}
			r = s
		}
		return r
	}
	c := &converter{bmp: make([]uint32, 0x10000-bmpBase), supp: map[rune]rune{}, phrases: map[rune][]convPhrase{}}
	set := func(r, to rune, flag uint32) {
		switch {
		case r < bmpBase:
		case r < 0x10000:
			v := c.bmp[r-bmpBase]
			if v&runeMask == 0 {
				v |= uint32(to)
			}
			c.bmp[r-bmpBase] = v | flag
		case r != to:
			c.supp[r] = to
		}
	}
	for i := range stages {
		for r := range stages[i].chars {
			set(r, char(r), 0)
		}
	}
	for r := range commerceOverlay {
		set(r, char(r), 0)
	}
	// A phrase is kept only where it says something the characters do
	// not: its whole-chain conversion differs from char by char.
	for i := range stages {
		for _, ps := range stages[i].phrases {
			for _, p := range ps {
				to := slices.Clone(p.to)
				if i == 0 {
					stages[1].convert(to)
				}
				same := true
				for k, r := range to {
					if s, ok := commerceOverlay[r]; ok {
						to[k] = s
					}
					same = same && to[k] == char(p.from[k])
				}
				if same {
					continue
				}
				c.phrases[p.from[0]] = append(c.phrases[p.from[0]], convPhrase{p.from, to})
				set(p.from[0], char(p.from[0]), phraseFlag)
			}
		}
	}
	for r, ps := range c.phrases {
		slices.SortStableFunc(ps, func(a, b convPhrase) int { return len(b.from) - len(a.from) })
		c.phrases[r] = ps
	}
	c.active = make([]uint64, (len(c.bmp)+63)/64)
	for i, v := range c.bmp {
		if v&phraseFlag != 0 || (v&runeMask != 0 && rune(v&runeMask) != rune(i+bmpBase)) {
			c.active[i/64] |= 1 << (i % 64)
		}
	}
	return c, nil
}

// add reads one dictionary: single-rune keys are characters, longer keys
// phrases. The first value is OpenCC's default. A mapping whose rune count
// differs is skipped (none of the shipped ones do), so spans stay exact.
// The first dictionary to define a key wins, as in OpenCC's groups.
func (st *convStage) add(d *da.Dict) error {
	for _, id := range d.Trie.PrefixPredict(nil, 0) {
		k, err := d.Trie.Key(id)
		if err != nil {
			return err
		}
		v, err := d.Trie.Value(id)
		if err != nil {
			return err
		}
		if v < 0 || v >= len(d.Values) || len(d.Values[v]) == 0 || !utf8.Valid(k) {
			continue
		}
		from, to := []rune(string(k)), []rune(d.Values[v][0])
		if len(from) != len(to) || len(from) == 0 {
			continue
		}
		if len(from) == 1 {
			if _, ok := st.chars[from[0]]; !ok {
				st.chars[from[0]] = to[0]
			}
			continue
		}
		dup := false
		for _, p := range st.phrases[from[0]] {
			dup = dup || slices.Equal(p.from, from)
		}
		if !dup {
			st.phrases[from[0]] = append(st.phrases[from[0]], convPhrase{from, to})
		}
	}
	for r, ps := range st.phrases {
		slices.SortStableFunc(ps, func(a, b convPhrase) int { return len(b.from) - len(a.from) })
		st.phrases[r] = ps
	}
	return nil
}

// convert applies one stage to rs in place (building only).
func (st *convStage) convert(rs []rune) {
	for i := 0; i < len(rs); {
		if n := matchPhrase(st.phrases[rs[i]], rs[i:], func(k int) rune { return rs[i+k] }); n != nil {
			copy(rs[i:], n.to)
			i += len(n.to)
			continue
		}
		if s, ok := st.chars[rs[i]]; ok {
			rs[i] = s
		}
		i++
	}
}

// matchPhrase returns the first (longest) of ps whose runes at(0..) spell.
func matchPhrase[T any](ps []convPhrase, rest []T, at func(int) rune) *convPhrase {
	for i := range ps {
		p := &ps[i]
		if len(p.from) > len(rest) {
			continue
		}
		ok := true
		for k, r := range p.from {
			if at(k) != r {
				ok = false
				break
			}
		}
		if ok {
			return p
		}
	}
	return nil
}

// rune converts one rune out of context.
func (c *converter) rune(r rune) rune {
	switch {
	case r < bmpBase:
		return r
	case r < 0x10000:
		if v := c.bmp[r-bmpBase] & runeMask; v != 0 {
			return rune(v)
		}
		return r
	}
	if s, ok := c.supp[r]; ok {
		return s
	}
	return r
}

// may reports whether convert could change r or a phrase starting at r.
func (c *converter) may(r rune) bool {
	if r < bmpBase {
		return false
	}
	if r >= 0x10000 {
		return true
	}
	b := r - bmpBase
	return c.active[b/64]&(1<<(b%64)) != 0
}

// convert rewrites normalized runes in place: phrases where one starts
// and differs, else rune by rune.
func (c *converter) convert(rs []Rune) {
	for i := 0; i < len(rs); i++ {
		r := rs[i].R
		if r < bmpBase {
			continue
		}
		if r < 0x10000 {
			if !c.may(r) {
				continue
			}
			v := c.bmp[r-bmpBase]
			if v&phraseFlag != 0 {
				if p := matchPhrase(c.phrases[r], rs[i:], func(k int) rune { return rs[i+k].R }); p != nil {
					for k, s := range p.to {
						rs[i+k].R = s
					}
					i += len(p.to) - 1
					continue
				}
			}
			if v&runeMask != 0 {
				rs[i].R = rune(v & runeMask)
			}
			continue
		}
		if s, ok := c.supp[r]; ok {
			rs[i].R = s
		}
	}
}

// ConversionContext reports how many runes after r can change how r is
// converted: the longest OpenCC phrase starting with r, less one, or 0
// (almost every rune). A caller that re-normalizes only the end of a
// growing text backs off over runes with context.
func ConversionContext(r rune) int {
	c := t2sConverter()
	if r < bmpBase || (r < 0x10000 && c.bmp[r-bmpBase]&phraseFlag == 0) {
		return 0
	}
	n := 0
	for _, p := range c.phrases[r] {
		n = max(n, len(p.from)-1)
	}
	return n
}
