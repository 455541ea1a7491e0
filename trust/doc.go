// Package trust is the trust ledger: per anchor and per merchant, what
// earshot heard and what came of it (airtime, violations per hour by
// category and severity, confirmed and dismissed alerts, reminders heeded
// and ignored, escalations, viewer reports and their corroboration,
// appeals won), summed by UTC day, and a documented 0-100 trust score over
// a rolling window of days with every indicator's value, weight and
// contribution (docs/trust.md gives each formula with a worked example).
//
// Ledger consumes three JetStream streams (EARSHOT_ALERTS, EARSHOT_EVENTS
// and the final hypotheses of EARSHOT_UTT) through durable consumers of a
// pinned priority group, so one node of a cluster applies each stream in
// order while the others stand by, and keeps its state in the key-value
// bucket EARSHOT_TRUST: one entry per account and day, and one per alert
// (whose anchor, merchant, day and decision a later disposition needs).
// Every entry records the last stream sequence applied to it, so an event
// redelivered after a crash or a failover is skipped rather than counted
// twice. Old days expire with the bucket's MaxAge: the window slides
// without rewriting anything. View watches the bucket and answers the API
// from memory on every node; Ledger publishes a merchant's score on
// earshot.trust.<merchant> when it changes.
//
// This package must never decide anything about an account: a score is
// an indicator for a human or a recommendation system, never a ban, a
// stream cut or a verdict. It must never change the streams it reads, and
// it must never match text or touch audio.
package trust
