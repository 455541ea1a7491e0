package lexicon

import "github.com/earshot/earshot/lexicon/phonetic"

// PhoneticMatcher finds English phrases by sound (phone sequences from a
// pronouncing dictionary with an edit-distance budget), so ASR
// substitutions such as "cure is cancer" still match "cures cancer".
// *phonetic.Index implements it directly. Find must be safe for concurrent
// use once all Add calls are done.
type PhoneticMatcher interface {
	// Add registers phrase words under id; it errors if words lack
	// pronunciations.
	Add(id int, words []string) error
	// Find returns approximate occurrences of registered phrases in words.
	Find(words []string) []PhoneticMatch
}

// PhoneticMatch is one approximate occurrence: words[StartWord:EndWord]
// sound like phrase ID at edit distance Distance; Score is in (0,1]. It is
// phonetic.Match, so *phonetic.Index needs no adapter.
type PhoneticMatch = phonetic.Match

// The phonetic index is the production PhoneticMatcher.
var _ PhoneticMatcher = (*phonetic.Index)(nil)
