package kws

// Phrase is one phrase the recognizer may spot in English speech.
type Phrase struct {
	// Text is the phrase as written: words separated by spaces or hyphens;
	// a word may end in '*', a suffix wildcard (cure* spots cure, cures,
	// cured: the dictionary's inflections).
	Text string
	// ID says who asked for the phrase. Keyphrase.Rules lists the IDs of
	// every Phrase a keyphrase came from; this package never interprets
	// them (the wiring passes the lexicon's rule ids).
	ID string
}

// Phrases is one version of the list of phrases to spot. A recognizer
// compares versions by pointer: return the same *Phrases while nothing
// changed, a new one when the list may have.
type Phrases struct {
	// Name names the version in logs (the lexicon's name).
	Name string
	List []Phrase
}
