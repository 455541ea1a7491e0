// Package phonetic matches English phrases by how they sound, so that a
// lexicon rule still fires when the recognizer substitutes near-homophones
// ("cures cancer" heard as "cure is cancer", "no side effects" written as
// "no side affects").
//
// Words become ARPAbet phone sequences from a CMU-format pronouncing
// dictionary (Dict). An Index holds the phone sequences of many phrases and
// finds their approximate, word-aligned occurrences in a word sequence with a
// weighted phone edit distance: voiced/unvoiced consonant pairs, nasals and
// vowel-for-vowel substitutions cost less than other edits. Candidates are
// selected with a pigeonhole filter on phone-class n-grams before the
// edit-distance dynamic program runs, so Find stays fast with many thousands
// of phrases.
//
// This package must never decide whether a match is a violation: it only
// reports distances. It must never guess pronunciations silently beyond the
// documented compound-word fallback in Dict.Pronounce, never match phrases
// shorter than IndexOptions.MinPhones, and never touch the network or global
// state.
package phonetic
