// Package escalation turns repeated reminders into escalations and quiet
// ones into heeded reminders, as the lexicon's escalation policy says
// (docs/lexicon.md, "Escalation policy").
//
// The alert sink calls Tracker.Observe for every alert it stored for the
// first time, once it decided whether the alert reminded the anchor (the
// cooldown). A reminder is counted per anchor (the room's anchor id, else
// the room) and rule (or category) in a sliding window; reaching a level's
// count publishes an alerter.Escalation on earshot.escalation.<room>, once
// per crossing: the level is armed again only after a whole window without
// a reminder. A reminder leaves a deadline behind: if its rule is not
// broken again in the room before it, an alerter.Heeded goes out on
// earshot.heeded.<room>; a hit of the rule cancels it.
//
// State lives in the KV bucket EARSHOT_ESCALATION, not in the process, so
// a room's partition moving to another scanner loses no count and fires no
// level twice: counts are updated with compare-and-set, and an escalation
// is first written to its count's outbox, then published, then cleared, so
// a crash between the two is repaired by whichever scanner sees the outbox
// next. Every scanner watches the bucket and fires the heeded deadlines
// and outboxes that fall due, wherever they were set. Both events are
// JetStream publishes (into EARSHOT_EVENTS) with a deterministic
// Nats-Msg-Id, so two scanners firing the same event store it once.
//
// Locks: Tracker.mu guards the mirror of due work only and is never held
// while talking to NATS.
//
// This package must never match text, decide a reminder's cooldown, cut a
// stream, keep package-level mutable state or put unvalidated text into a
// subject or a KV key.
package escalation
