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
// initials (vx), also when spelled letter by letter (加 W X; spelled.go);
// English on stems, suffix wildcards and, through the
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
// Why the automaton reads token keys and is laid out as it is: one token
// is read several ways at once (a character and its syllables; a word, its
// stem, prefixes and digit reading; a Latin word as letters, typed pinyin
// or initials), which a byte automaton over one normalized string (the
// pure Aho-Corasick libraries the benchmark compares with) cannot express
// without multiplying its states, and its hits would still have to be
// mapped back to tokens for verification. So the literal case pays one key
// lookup per token: direct tables for characters (behind a bitset that
// stays in cache) and syllables, open-addressed string tables for words,
// stems, prefixes and digits (strtab.go), none of Go's maps on the hot
// path. The trie is flat (a node is 20 bytes of offsets into shared edge,
// target and output arrays; root edges indexed by key id), per-call state
// is generation stamps in pooled scratch, so a call clears nothing and
// allocates only its result, and the work per token is bounded by the
// live paths, not by the number of rules. What grows from 100 to 10,000
// rules is the cache footprint and the number of true hits to verify.
//
// A lexicon of literal patterns only (fuzzy: false, slop: 0) matches ASCII
// text on a shorter path (literal.go): one pass over the bytes reads each
// word with one table lookup (its word and digit keys, whether it is a
// filler or a number word) and feeds it to the automaton, with no Token
// built, and an occurrence of a pattern whose anchor is the whole phrase
// and that no guard, exception or allowed phrase can cancel in ASCII text
// is its hit. What it cannot decide exactly (a byte that is not ASCII,
// number words together, any other candidate) goes down the general path;
// hits are identical (TestLiteralASCIIEqualsGeneral, FuzzLiteralASCII).
// A word of at most eight letters is looked up by the integer of its
// bytes (littab.go), and the Hit of a direct pattern is built at compile
// time and copied whole, with what the path reads of a pattern in one
// dense array (literal_hits.go): at 10,000 rules, chasing each candidate
// to its rule's strings was most of the time a hit costs.
// The literal paths keep no path of depth one: a bit set over the first
// two keys of every anchor says whether a token and the next may begin
// one (litpairs.go), so at 10,000 rules, where nearly every token has a
// key, most tokens touch nothing but that set.
// Chinese text takes the same shortcut over its normalized characters
// (literal_han.go), checking a direct pattern's guards on the characters
// (TestLiteralHanEqualsGeneral, FuzzLiteralHan).
//
// This package must never publish anything, keep state between calls, or
// know where text came from beyond a transcript.Hypothesis.
package lexicon
