// Package store keeps final transcripts on disk, searchable with bleve, in
// time partitions so retention is dropping a partition. Compliance staff
// search it; lexicon backtests rescan it.
//
// This package must never match rules itself: it stores the hits it is given.
package store
