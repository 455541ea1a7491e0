package lexicon

import (
	"unicode"

	"github.com/earshot/earshot/analysis"
	"github.com/earshot/earshot/analysis/pinyin"
)

type pyTable = *pinyin.Table

// scratch is per-call working memory, pooled so the hot path does not
// allocate per pattern. Stamps (gen per call, tokGen per token) mark what
// this call or token has seen without clearing arrays.
type scratch struct {
	gen      uint32
	stamp    []uint32   // pattern id: a candidate in this call
	fired    []uint32   // rule index-1: has its Hit in this call
	slot     []int32    // rule index-1: where literalHits keeps it (when fired)
	pos      [][2]int32 // pattern id: range of tokens its anchor started at
	cands    []int32
	out      []int32
	seen     []uint32 // key id: emitted by some token of this call
	seenList []int32  // those keys
	key      []byte
	keys     []int32
	live     []live
	live2    []live
	tokGen   uint32
	nodeLive []nodeLive // automaton node: live at the current token, where
	wordGen  []uint32   // automaton node: advanced again within the current word
	tz       analysis.Tokenizer
	asc      analysis.ASCIIScanner // the literal path's (literal.go)
	lhits    []litHit              // and its hits
	indirect bool                  // and whether a candidate was not direct
	runes    []analysis.Rune       // the literal Han path's (literal_han.go)
	hz       analysis.HanScanner
	htoks    []hanTok
	occs     []hanOcc
	hits     []Hit       // finish's hits before they are copied out
	order    []int32     // sortedAppend's indices
	gateOK   []uint32    // pattern id: a key of its phonKeys was seen (gen)
	pwords   []string    // matchPhonetic's words
	pat      []int       // and their tokens
	pids     []int       // findPhonetic's phrase ids
	wtmp     []int32     // wordKeys' keys when not cached
	cpats    []*cpattern // matchContacts' patterns of the segment's languages
}

func (e *Engine) newScratch() *scratch {
	n, k, m := len(e.patterns), len(e.keyIDs), len(e.auto.nodes)
	return &scratch{stamp: make([]uint32, n), pos: make([][2]int32, n), seen: make([]uint32, k),
		fired: make([]uint32, len(e.rules)), slot: make([]int32, len(e.rules)), gateOK: make([]uint32, n),
		nodeLive: make([]nodeLive, m), wordGen: make([]uint32, m),
		tz: analysis.Tokenizer{SkipStems: true, SkipReadings: e.noReadings}}
}

// nodeLive says a node is live at token generation gen, at index at of
// the live list: one cache line per node looked up, not two.
type nodeLive struct {
	gen uint32
	at  int32
}

// begin starts a call: new generation, no candidates.
func (sc *scratch) begin() {
	sc.gen++
	if sc.gen == 0 { // wrapped: clear stale stamps
		clear(sc.stamp)
		clear(sc.seen)
		clear(sc.fired)
		clear(sc.gateOK)
		sc.gen = 1
	}
	if sc.tokGen > 1<<31 {
		clear(sc.nodeLive)
		clear(sc.wordGen)
		sc.tokGen = 0
	}
	sc.cands = sc.cands[:0]
	sc.seenList = sc.seenList[:0]
}

func (sc *scratch) see(k int32) {
	if sc.seen[k] != sc.gen {
		sc.seen[k] = sc.gen
		sc.seenList = append(sc.seenList, k)
	}
}

func (sc *scratch) add(id, at int32) {
	if sc.stamp[id] != sc.gen {
		sc.stamp[id] = sc.gen
		sc.pos[id] = [2]int32{at, at}
		sc.cands = append(sc.cands, id)
		return
	}
	sc.pos[id][0] = min(sc.pos[id][0], at)
	sc.pos[id][1] = max(sc.pos[id][1], at)
}

// abbreviation: 2-6 ASCII letters with no vowel, like vx, wx, zfb.
func abbreviation(w string) bool {
	if len(w) < 2 || len(w) > 6 {
		return false
	}
	for _, r := range w {
		if r > unicode.MaxASCII || !unicode.IsLetter(r) {
			return false
		}
		switch r {
		case 'a', 'e', 'i', 'o', 'u':
			return false
		}
	}
	return true
}

// allSeen reports whether each list has a key the call's tokens emitted.
func (sc *scratch) allSeen(lists [][]int32) bool {
	for _, keys := range lists {
		if !sc.anySeen(keys) {
			return false
		}
	}
	return true
}
