// Package spool is a bounded, crash-safe queue of NATS messages on local
// disk: what a worker could not publish while NATS was unreachable
// (hypotheses of the ingest role, alerts of the scan role) waits here, in
// order, and is published again once NATS answers, with its headers (so
// its Nats-Msg-Id) unchanged: the stream's duplicate window drops a
// message that reached the stream before the connection dropped.
//
// On disk a spool is a directory of segment files, each a sequence of
// records: magic, length, CRC-32C, then the message (subject, headers,
// data, the time it was spooled). Appends go to the last segment with one
// write each (a killed process loses nothing it appended) and are fsynced
// together every SyncEvery (a power cut can lose that much). A record torn
// by a crash mid-write, or damaged at rest, fails its checksum: it is
// reported (Stats.Damaged, the log) and skipped, the reader resyncing on
// the next record whose checksum holds; it never stops the spool. The
// delivered position is kept in a small cursor file written by rename, so a
// restart re-publishes at most the records delivered since the last
// cursor write, which the stream's duplicate window drops.
//
// Bounded: beyond MaxBytes, Append refuses (ErrFull) and counts the
// refusal; the records already spooled are kept (the oldest speech is the
// evidence, and dropping it would break the order the scanner relies on).
//
// This package must never interpret or change the messages it holds,
// publish anything itself (its caller does, through Peek and Ack), keep
// package-level mutable state, or grow past MaxBytes.
package spool
