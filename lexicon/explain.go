package lexicon

import (
	"github.com/earshot/earshot/analysis"
)

// Explanation tells the policy team why a pattern did or did not fire on a
// text (`earshot lexicon test`). Candidates that were selected by the index
// but failed verification appear with Matched false.
type Explanation struct {
	RuleID  string `json:"rule_id"`
	Pattern string `json:"pattern"`
	// Candidate is true when the index selected the pattern (digits and
	// phonetic patterns are checked without the index).
	Candidate bool `json:"candidate"`
	Matched   bool `json:"matched"`
	// Via and Score describe the match (see Hit).
	Via         string  `json:"via,omitempty"`
	Score       float64 `json:"score,omitempty"`
	MatchedText string  `json:"matched_text,omitempty"`
	// Cancelled names the exception or guard that cancelled the match,
	// or "no match" for a candidate that did not verify.
	Cancelled string `json:"cancelled,omitempty"`
	// Fired is true when this occurrence produced the rule's Hit.
	Fired bool `json:"fired"`
}

// Explain matches text like MatchText and reports every candidate pattern,
// every occurrence, and what cancelled it.
func (e *Engine) Explain(text string) []Explanation {
	var tr []Explanation
	hits := e.run(nil, text, &tr)
	for i := range tr {
		for _, h := range hits {
			if tr[i].RuleID == h.RuleID && tr[i].Pattern == h.Pattern &&
				tr[i].Cancelled == "" && tr[i].MatchedText == h.MatchedText {
				tr[i].Fired = true
			}
		}
	}
	return tr
}

func (e *Engine) explain(f found, text string, toks []analysis.Token) Explanation {
	x := Explanation{RuleID: f.p.rule.rule.ID, Pattern: f.p.src, Candidate: f.cand,
		Cancelled: f.why}
	if f.sp.s < 0 {
		return x
	}
	x.Matched, x.Via, x.Score = true, f.sp.via, f.sp.score
	x.MatchedText = text[toks[f.sp.s].Start:toks[f.sp.e-1].End]
	return x
}
