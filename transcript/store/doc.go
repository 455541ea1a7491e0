// Package store keeps final transcripts on disk, searchable with bleve, in
// time partitions so retention is dropping a partition. Compliance staff
// search it; lexicon backtests rescan it (Scan).
//
// Layout: one scorch index per UTC day of Record.At under Options.Dir,
// searched together through a bleve IndexAlias. The utterance text is
// indexed three ways: English with stemming (en), Chinese as cjk bigrams,
// and toneless pinyin (so weixin finds 威信 and 微信); room, anchor,
// merchant, session, category, rule, severity, recognizer and lang are
// keywords; at is a datetime; start_ms and end_ms are numbers. The whole
// Record is stored as JSON, so a hit returns it unchanged.
//
// Writes are batched by one goroutine: Add never blocks (a full queue drops
// and counts), Flush waits for what was added before it.
//
// Faults: a batch is not attempted while the disk has less than MinFree
// left, and a batch that fails (or makes bleve panic) is kept, in order, and
// retried with backoff, its partition reopened from disk; once space is
// back the store writes again by itself (Ready says how it stands). A
// partition that does not open, or whose segments fail their checksums
// (checked in the background after Open, and after any search panic), is
// quarantined: moved aside as <day>.quarantined-<time>, listed by
// Quarantined, and its day continues in a new partition. A search that a
// partition fails is an error, never a silently partial answer.
//
// Search cost (cost.go): a query costly by its form (a leading wildcard,
// too many wildcards, a fuzzy match of a short term) is refused before it
// runs, one that expands to too many index terms as soon as bleve counts
// them, one past its time budget is cancelled through its context, and
// searches beyond a few at once are refused; none of them is ever answered
// with a partial result.
//
// This package must never delete a damaged partition (only retention
// removes data), and never let a bleve panic reach the process.
//
// This package must never match rules itself: it stores the hits it is
// given. It must never block the pipeline that feeds it.
package store
