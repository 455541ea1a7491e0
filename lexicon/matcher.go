package lexicon

import (
	"time"

	"github.com/earshot/earshot/transcript"
)

// Hit is one rule firing on one hypothesis.
type Hit struct {
	RuleID   string `json:"rule_id"`
	Category string `json:"category"`
	Severity string `json:"severity"`
	Reminder string `json:"reminder"`
	Policy   string `json:"policy,omitempty"`
	// Pattern is the rule pattern that matched, as written in the lexicon.
	Pattern string `json:"pattern"`
	// MatchedText is the span of the hypothesis text that matched.
	MatchedText string `json:"matched_text"`
	// Via says how it matched: exact, stem, pinyin, phonetic, digits.
	Via string `json:"via"`
	// Start and End locate the match in stream time when the hypothesis
	// carries word timestamps, else they are the utterance bounds.
	Start time.Duration `json:"start_ns"`
	End   time.Duration `json:"end_ns"`
	// Score is 1 for an exact match and lower for fuzzy ones.
	Score float64 `json:"score"`
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
