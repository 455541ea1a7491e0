// Package lexicon holds the policy team's rules and matches them against
// transcripts.
//
// A lexicon is a YAML file of rules (see docs/lexicon.md). Loading validates
// every field and reports file, rule id and field for each error. A loaded
// lexicon compiles into a Matcher: rules are indexed with bleve so the policy
// team can search them, and a compiled candidate-selection structure keeps the
// hot path fast at tens of thousands of rules. Candidates are then verified:
// phrase order, proximity, exceptions.
//
// Text is normalized before matching (NFKC, case, full-width, traditional to
// simplified, numerals to digits) and Chinese is also matched on toneless
// pinyin, so homophone and spacing evasions are caught without listing every
// variant.
//
// This package must never publish anything or know where text came from
// beyond a transcript.Hypothesis.
package lexicon
