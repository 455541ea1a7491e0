package lexicon

import (
	"sort"
	"strings"
)

// matchDigits fires digits patterns on runs of digit tokens: written
// (13800138000), spoken (five five five ..., 幺三八 ...) or mixed, with any
// spaces, dashes or fillers between them. Compound numbers (三十五, twenty
// one) end a run: a phone number is read digit by digit, and 千万 is not
// eight digits.
func (e *Engine) matchDigits(toks []token, han bool, emit func(found)) {
	if len(e.digitPats) == 0 {
		return
	}
	for i := 0; i < len(toks); {
		if !runDigit(&toks[i]) {
			i++
			continue
		}
		j, n, spoken := i, 0, false
		for j < len(toks) && runDigit(&toks[j]) {
			n += len(toks[j].digits)
			spoken = spoken || toks[j].kind != kindNum
			j++
		}
		for _, p := range e.digitPats {
			if n >= p.digits {
				sp := span{s: i, e: j, via: "digits", score: 1}
				if spoken {
					sp.score = 0.9
				}
				emit(found{p: p, sp: sp, why: e.cancelled(p, toks, han, sp)})
			}
		}
		i = j
	}
}

func runDigit(t *token) bool { return t.digits != "" && !t.compound }

// matchPhonetic asks the phone matcher about the English words of the
// segment and maps its word positions back to tokens.
func (e *Engine) matchPhonetic(toks []token, han bool, emit func(found)) {
	if e.phonetic == nil || len(e.phonIDs) == 0 {
		return
	}
	var words []string
	var at []int
	for i, t := range toks {
		if t.kind == kindWord {
			words = append(words, t.text)
			at = append(at, i)
		}
	}
	if len(words) == 0 {
		return
	}
	for _, m := range e.phonetic.Find(words) {
		p := e.phonIDs[m.ID]
		if p == nil || m.StartWord < 0 || m.EndWord > len(at) || m.StartWord >= m.EndWord {
			continue
		}
		sp := span{s: at[m.StartWord], e: at[m.EndWord-1] + 1, via: "phonetic", score: clampScore(m.Score)}
		why := phoneticImplausible(p, toks, at[m.StartWord:m.EndWord], sp.score)
		if why == "" {
			why = e.cancelled(p, toks, han, sp)
		}
		emit(found{p: p, sp: sp, why: why})
	}
}

func clampScore(s float64) float64 {
	if !(s > 0) { // also NaN
		return 0.05
	}
	return min(s, 1)
}

// sortHits orders hits by position, then rule id, for stable output.
func sortHits(hits []Hit) []Hit {
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].Start != hits[j].Start {
			return hits[i].Start < hits[j].Start
		}
		return strings.Compare(hits[i].RuleID, hits[j].RuleID) < 0
	})
	return hits
}
