package lexicon

import (
	"cmp"
	"slices"
	"strings"

	"github.com/earshot/earshot/analysis"
)

// matchDigits fires digits patterns on the segment's digit runs (see
// analysis.DigitRuns): written, spoken or mixed; a spoken run scores 0.9.
func (e *Engine) matchDigits(toks []analysis.Token, han bool, sc *scratch, emit func(found)) {
	if len(e.digitPats) == 0 {
		return
	}
	langs := segmentLangs(toks, han)
	for run := range analysis.DigitRuns(toks) {
		for _, p := range e.digitPats {
			// a rule's languages hold for digits as for phrases: a
			// zh-only number rule is not an English broadcast's
			if run.Len >= p.digits && inLangs(p, langs, han) {
				sp := span{s: run.Start, e: run.End, via: "digits", score: 1}
				if run.Spoken {
					sp.score = 0.9
				}
				emit(found{p: p, sp: sp, why: e.cancelled(p, toks, han, sp, sc)})
			}
		}
	}
}

// matchPhonetic asks the phone matcher about the English words of the
// segment and maps its word positions back to tokens. Unless all (an
// explanation wants every occurrence), a phrase whose rule already has its
// Hit is not aligned: emit would drop what it finds.
func (e *Engine) matchPhonetic(toks []analysis.Token, han, all bool, sc *scratch, emit func(found)) {
	if e.phonetic == nil || e.nPhon == 0 {
		return
	}
	words, at := sc.pwords[:0], sc.pat[:0]
	for i, t := range toks {
		if t.Kind == analysis.Word {
			words = append(words, t.Text)
			at = append(at, i)
		}
	}
	sc.pwords, sc.pat = words[:0], at[:0]
	if len(words) == 0 {
		return
	}
	for _, m := range e.findPhonetic(words, all, sc) {
		if m.ID < 0 || m.ID >= len(e.phonIDs) {
			continue
		}
		p := e.phonIDs[m.ID]
		if p == nil || m.StartWord < 0 || m.EndWord > len(at) || m.StartWord >= m.EndWord {
			continue
		}
		sp := span{s: at[m.StartWord], e: at[m.EndWord-1] + 1, via: "phonetic", score: clampScore(m.Score)}
		why := phoneticImplausible(p, toks, at[m.StartWord:m.EndWord], sp.score)
		if why == "" {
			why = e.cancelled(p, toks, han, sp, sc)
		}
		emit(found{p: p, sp: sp, why: why})
	}
}

// findPhonetic asks the phone matcher about the phonetic phrases the
// call's keys opened (or no gate closes) whose rule has no Hit yet
// (unless all).
func (e *Engine) findPhonetic(words []string, all bool, sc *scratch) []PhoneticMatch {
	if e.phonByID == nil {
		e.openGates(sc)
		allow := func(id int) bool {
			if id < 0 || id >= len(e.phonIDs) {
				return false
			}
			p := e.phonIDs[id]
			return p != nil && (all || sc.fired[p.rule.index-1] != sc.gen) &&
				(!p.phonGated || sc.gateOK[id] == sc.gen)
		}
		return e.phonetic.FindAmong(words, allow)
	}
	ids := sc.pids[:0]
	add := func(id int32) {
		if p := e.phonIDs[id]; p != nil && (all || sc.fired[p.rule.index-1] != sc.gen) {
			ids = append(ids, int(id))
		}
	}
	for _, id := range e.phonOpen {
		add(id)
	}
	for _, k := range sc.seenList {
		if int(k) < len(e.gatedBy) {
			for _, id := range e.gatedBy[k] {
				if sc.gateOK[id] != sc.gen {
					sc.gateOK[id] = sc.gen
					add(id)
				}
			}
		}
	}
	sc.pids = ids[:0]
	return e.phonByID.FindIDs(words, ids)
}

// openGates marks (sc.gateOK) the gated phonetic phrases one of whose
// phonKeys the call's tokens emitted: from the keys seen (few, with short
// lists) rather than by testing every filtered phrase's keys.
func (e *Engine) openGates(sc *scratch) {
	for _, k := range sc.seenList {
		if int(k) < len(e.gatedBy) {
			for _, id := range e.gatedBy[k] {
				sc.gateOK[id] = sc.gen
			}
		}
	}
}

func clampScore(s float64) float64 {
	if !(s > 0) { // also NaN
		return 0.05
	}
	return min(s, 1)
}

// sortedAppend appends hits to dst ordered by position, then rule id,
// stably (a nil dst: a new slice of exact size). It sorts indices (order is reused memory):
// at 10,000 rules a segment breaks about 20 rules, and an insertion sort
// moving 160-byte Hits was a fifth of the call.
func sortedAppend(dst, hits []Hit, order []int32) ([]Hit, []int32) {
	order = order[:0]
	for i := range hits {
		order = append(order, int32(i))
	}
	slices.SortFunc(order, func(a, b int32) int {
		x, y := &hits[a], &hits[b]
		if x.Start != y.Start {
			return cmp.Compare(x.Start, y.Start)
		}
		if c := strings.Compare(x.RuleID, y.RuleID); c != 0 {
			return c
		}
		return cmp.Compare(a, b) // stable
	})
	dst = slices.Grow(dst, len(hits))
	for _, j := range order {
		dst = append(dst, hits[j])
	}
	return dst, order
}
