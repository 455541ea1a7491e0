package lexicon

import (
	"time"

	"github.com/earshot/earshot/transcript"
)

// Hit is one rule firing on one hypothesis.
//
// What depends only on the pattern and how it matched sits in *HitRule,
// which the engine builds once per pattern and way of matching when it
// compiles: a Hit is 48 bytes with two pointers instead of 152 with eight,
// so a hypothesis that breaks hundreds of rules costs the allocator and
// the garbage collector a third of what it did. The HitRule's fields are
// promoted (h.RuleID reads it) and JSON-encoded inline, as before. Hits
// share it: never write through it; replace it (h.HitRule = &copy).
type Hit struct {
	*HitRule
	// MatchedText is the span of the hypothesis text that matched.
	MatchedText string `json:"matched_text"`
	// Start and End locate the match in stream time when the hypothesis
	// carries word timestamps, else they are the utterance bounds.
	Start time.Duration `json:"start_ns"`
	End   time.Duration `json:"end_ns"`
	// Score is 1 for an exact match and lower for fuzzy ones.
	Score float64 `json:"score"`
}

// HitRule is the rule and pattern a Hit fired on, and how it matched.
type HitRule struct {
	RuleID   string `json:"rule_id"`
	Category string `json:"category"`
	Severity string `json:"severity"`
	Reminder string `json:"reminder"`
	Policy   string `json:"policy,omitempty"`
	// Pattern is the rule pattern that matched, as written in the lexicon.
	Pattern string `json:"pattern"`
	// Via says how it matched: exact, stem, pinyin, phonetic, digits.
	Via string `json:"via"`
}

// Matcher finds the rules a hypothesis breaks. Implementations are safe for
// concurrent use and immutable: a new lexicon version is a new Matcher.
type Matcher interface {
	Match(h transcript.Hypothesis) []Hit
}

// AppendMatcher is a Matcher that can append Match's hits to the caller's
// slice (Engine.AppendMatch), so a caller done with each result before the
// next call reuses one slice instead of a new one per hypothesis.
type AppendMatcher interface {
	Matcher
	AppendMatch(dst []Hit, h transcript.Hypothesis) []Hit
}

var _ AppendMatcher = (*Engine)(nil)
