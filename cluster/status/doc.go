// Package status gathers what `earshot cluster status` shows from NATS
// alone: the nodes and their roles (presence claims in EARSHOT_NODES), the
// rooms each ingest worker pulls (EARSHOT_ROOM_LEASES), the partitions
// each scanner consumes (EARSHOT_SCAN_LEASES) and the lag of every
// consumer of the utterance stream.
//
// This package must never write: it reads buckets and consumer info, so
// it is safe to run against a live cluster at any time.
package status
