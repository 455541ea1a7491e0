// Package search spreads transcript reads over every index node of a
// cluster: each index node keeps the finals of the rooms it consumed in its
// own transcript store, so a search, a timeline or a record lookup asks all
// of them over NATS request-reply and merges what they answer.
//
// Subjects (JSON bodies, see wire.go):
//
//	earshot.index.search          every index node answers its share (Shard)
//	earshot.index.fetch.<node>    one node returns the records of a page
//	earshot.index.get             the node holding a record answers it
//	earshot.index.around          every node answers a room's records near a moment
//	earshot.index.hasroom         every node says whether it holds a room
//
// Every index node registers its id in the KV bucket EARSHOT_INDEX_NODES
// (Register), and the fan-out waits for exactly those nodes until its
// deadline: a registered node that does not answer in time makes the
// result partial (Result.Partial, the nodes named in Result.Missing), never
// a silent gap. A node's registration lapses ForgetAfter (24 h by default)
// after it was last renewed, so a node removed for good stops being waited
// for; Forget (`earshot cluster forget-index`) removes it at once. Searches merge as one bleve index alias does (store.MergeOrder);
// deep pages take a second round trip to fetch the page's records
// (query-then-fetch), first pages one.
//
// The single process is the same: its one index node answers over the
// embedded server.
//
// This package must never write transcripts, match text or decide what is
// a violation: it only carries reads to the stores and merges the answers.
package search
