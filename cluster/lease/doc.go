// Package lease keeps exclusive, expiring claims on keys (a scanner's
// partitions, an ingest worker's rooms) in a JetStream KV bucket.
//
// A claim is taken with Create, which succeeds only if the key is absent
// or deleted (nats.go creates over a tombstone with the tombstone's
// revision, so two takers after a delete cannot both win: nats.rs#1301),
// renewed every TTL/3 with Update at the revision last written (a CAS in
// the stream's Raft log, so a holder whose claim was taken over learns it
// at its next renewal), and released on drain with Delete at that
// revision, never deleting someone else's claim. The TTL is the bucket's
// MaxAge, which applies to every write: per-key TTLs are not used because
// an Update drops them (nats-server#6959). Replicas of an R3 bucket may
// expire a key at different moments (nats-server#3653): a taker's Create
// then fails and it retries at its next tick; and a holder stops treating
// a claim as its own once TTL*2/3 has passed since its last successful
// renewal (self-fencing), before any replica can expire it.
//
// Renewals run 16 at a time (one at a time per key: the tick's and
// Touch's, which writes a key's value at once), so a holder of hundreds of
// claims on a loaded server renews them all within the fence. A release
// that crosses a renewal (its delete at the revision before fails) is
// finished by the renewal, at the revision it wrote. A claim taken over a
// delete marker (its previous holder released it within a TTL) is
// reported as moved (Moved): the key changed hands, as opposed to being
// new or expired.
//
// Keep is for claims that only say a holder is alive (a node's presence):
// a kept key lost (a NATS server died and the stream did not answer the
// renewal) is taken again at the next tick, free or still holding this
// holder's own value (updated at its revision, never over another's).
//
// This package must never decide what a claim is for: callers are told
// when they gained or lost one.
package lease
