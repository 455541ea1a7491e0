package lexicon

import (
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"
)

// vias are the ways a pattern can match (span.via).
var vias = [...]string{"exact", "stem", "pinyin", "initials", "joined", "wildcard", "phonetic", "digits", "contact"}

// hitRules are a pattern's HitRules, one per way of matching. The exact
// one is built at compile time; the others, which most patterns never
// use, when first needed: nine per pattern would add 1 KB to each of a
// 10,000-rule lexicon's patterns. Two goroutines building the same one at
// once build equal values, and either is kept.
type hitRules struct {
	rule *Rule
	src  string
	by   [len(vias)]atomic.Pointer[HitRule]
}

func newHitRules(r *Rule, src string) *hitRules {
	h := &hitRules{rule: r, src: src}
	h.by[0].Store(h.build("exact"))
	return h
}

func (h *hitRules) build(via string) *HitRule {
	r := h.rule
	return &HitRule{RuleID: r.ID, Category: r.Category, Severity: r.Severity,
		Reminder: r.Reminder, Policy: r.Policy, Pattern: h.src, Via: via}
}

// hitRule is p's HitRule for a match by via. A way of matching missing
// from vias still gets a correct HitRule, only a fresh one per hit;
// TestViasComplete keeps the list whole.
func (p *cpattern) hitRule(via string) *HitRule {
	h := p.hitRules
	for i, v := range vias {
		if v != via {
			continue
		}
		if r := h.by[i].Load(); r != nil {
			return r
		}
		r := h.build(via)
		if h.by[i].CompareAndSwap(nil, r) {
			return r
		}
		return h.by[i].Load()
	}
	return h.build(via)
}

// hitJSON is a Hit's JSON, flat and in the order it had before HitRule
// was split out, so every encoded Hit (scan output, API, backtests) reads
// as it did, a zero Hit included.
type hitJSON struct {
	RuleID      string        `json:"rule_id"`
	Category    string        `json:"category"`
	Severity    string        `json:"severity"`
	Reminder    string        `json:"reminder"`
	Policy      string        `json:"policy,omitempty"`
	Pattern     string        `json:"pattern"`
	MatchedText string        `json:"matched_text"`
	Via         string        `json:"via"`
	Start       time.Duration `json:"start_ns"`
	End         time.Duration `json:"end_ns"`
	Score       float64       `json:"score"`
}

func (h Hit) flat() hitJSON {
	var r HitRule
	if h.HitRule != nil {
		r = *h.HitRule
	}
	return hitJSON{RuleID: r.RuleID, Category: r.Category, Severity: r.Severity,
		Reminder: r.Reminder, Policy: r.Policy, Pattern: r.Pattern, MatchedText: h.MatchedText,
		Via: r.Via, Start: h.Start, End: h.End, Score: h.Score}
}

// MarshalJSON writes h flat (hitJSON).
func (h Hit) MarshalJSON() ([]byte, error) { return json.Marshal(h.flat()) }

// String prints h's fields, not its HitRule's address, so logs and test
// failures (and tests comparing fmt.Sprint of two engines' hits) read the
// rule.
func (h Hit) String() string { return fmt.Sprintf("%+v", h.flat()) }

// UnmarshalJSON reads what MarshalJSON writes; the Hit gets a HitRule of
// its own, never nil.
func (h *Hit) UnmarshalJSON(b []byte) error {
	var j hitJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("lexicon hit: %w", err)
	}
	*h = Hit{HitRule: &HitRule{RuleID: j.RuleID, Category: j.Category, Severity: j.Severity,
		Reminder: j.Reminder, Policy: j.Policy, Pattern: j.Pattern, Via: j.Via},
		MatchedText: j.MatchedText, Start: j.Start, End: j.End, Score: j.Score}
	return nil
}
