// Package lexicon holds the policy team's rules and matches them against
// transcripts.
//
// A lexicon is a YAML file of rules (see docs/lexicon.md). Parse validates
// every field and reports all problems at once, each naming file, rule and
// field (ValidationErrors). Compile turns a Lexicon into an immutable Engine
// that is safe for concurrent use; a new lexicon version is a new Engine.
//
// Text is normalized before matching (NFKC, case, full-width, traditional to
// simplified, numerals and number words to digits) and split into tokens by
// package analysis: one per Han character, Latin word or digit run, each
// keeping its byte span in the original text so hits quote the original
// words and find their timestamps. Chinese is also matched on toneless pinyin (all readings of
// heteronyms), letters read as syllables (V信), typed pinyin (weixin) and
// initials (vx); English on stems, suffix wildcards and, through the
// PhoneticMatcher interface, on phone sequences.
//
// The hot path never queries bleve. Every phrase pattern is anchored on a
// run of its elements, the whole phrase when it can, compiled with all
// the others into one automaton (automaton.go) over the keys text tokens
// emit (character, fuzzy syllable, word, stem, prefix, digits, initials;
// keys.go). One pass over a segment's tokens yields the candidates and
// where their anchors start; a small backtracking verifier checks order,
// slop, guards and exceptions on those only, and the phonetic matcher
// looks only at phrases a word of the segment makes plausible. A Stream
// matches the growing partials of one utterance without rescanning what
// the previous partial already scanned; the Engine itself keeps nothing
// between calls. The rules are also indexed in an in-memory bleve index,
// built on first use, for the policy team's SearchRules.
//
// This package must never publish anything, keep state between calls, or
// know where text came from beyond a transcript.Hypothesis.
package lexicon
