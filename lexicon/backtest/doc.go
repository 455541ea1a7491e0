// Package backtest replays stored transcripts through a draft lexicon and
// the live one and reports the difference: hits gained and lost per rule and
// category, with example utterances, and, when dispositions are available,
// how many confirmed hits the draft would lose and how many dismissed ones
// it would still raise.
//
// It reads transcripts through the small Source interface (the transcript
// store's Scan) and dispositions through Dispositions, so it works with
// whatever stores them. Matching runs on all cores in batches; results are
// merged in scan order so a report is deterministic.
//
// This package must never write anything: a backtest only reads.
package backtest
