// Package kws spots given English phrases in audio with PocketSphinx's
// keyword search, beside a free-text recognizer.
//
// The phrases come as a plain list (Phrases: text and an opaque ID each);
// the wiring builds it from the lexicon's English phrase patterns, so this
// package never sees the rule format. Derive turns the list into
// keyphrases: phrases of two or more words (or single words of many
// phones) whose words are all in the pronouncing dictionary, suffix
// wildcards expanded to the dictionary's inflections, deduplicated, each
// remembering the IDs it came from. Every keyphrase gets a detection
// threshold from a table keyed by its phone count (Thresholds), tuned on
// the train split of a generated corpus (the tuned table ships embedded as
// thresholds.json). One threshold for all phrases does not work: short
// phrases then fire on common words every few seconds.
//
// Recognizer is a transcript.Recognizer whose hypotheses hold the spotted
// phrases with their times, so the lexicon downstream matches them like
// any text. It follows list versions: at each utterance start a stream
// asks the phrase source for the version in force; when its keyphrase list
// differs, a new keyword decoder is built in the background, and streams
// move to it at their next utterance start once it is ready (the old one
// is freed when its last stream leaves).
//
// This package must never block audio on a rebuild, never pass a word the
// dictionary lacks to the decoder, never import the lexicon, and never
// decide alerts: the lexicon does that on the text it emits.
package kws
