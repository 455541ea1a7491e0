package lexicon

import "github.com/earshot/earshot/lexicon/phonetic"

// PhoneticMatcher finds English phrases by sound (phone sequences from a
// pronouncing dictionary with an edit-distance budget), so ASR
// substitutions such as "cure is cancer" still match "cures cancer".
// *phonetic.Index implements it directly. Find must be safe for concurrent
// use once all Add calls are done.
type PhoneticMatcher interface {
	// AddScored registers phrase words under id, to be reported only with
	// a Score of at least minScore; it errors if words lack
	// pronunciations.
	AddScored(id int, words []string, minScore float64) error
	// FindAmong returns approximate occurrences in words of the
	// registered phrases allow accepts (nil: all).
	FindAmong(words []string, allow func(id int) bool) []PhoneticMatch
}

// phoneticByID is an optional PhoneticMatcher method: FindAmong for the
// phrases ids lists, which the engine knows from its gates (few of many),
// so the matcher need not ask about each. *phonetic.Index has it.
type phoneticByID interface {
	FindIDs(words []string, ids []int) []PhoneticMatch
}

// PhoneticMatch is one approximate occurrence: words[StartWord:EndWord]
// sound like phrase ID at edit distance Distance; Score is in (0,1]. It is
// phonetic.Match, so *phonetic.Index needs no adapter.
type PhoneticMatch = phonetic.Match

// The phonetic index is the production PhoneticMatcher.
var (
	_ PhoneticMatcher = (*phonetic.Index)(nil)
	_ phoneticByID    = (*phonetic.Index)(nil)
)
