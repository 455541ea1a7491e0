// Package natsink is the NATS alerter.Sink. Send stores an alert in the
// JetStream stream EARSHOT_ALERTS (subject earshot.alert.<category>.<room>)
// and returns once the stream has acknowledged it; then, unless the
// per-room, per-rule cooldown holds for every rule the alert lists, it
// publishes a Reminder on core NATS subject earshot.room.<room>.reminder,
// led by the most severe of them whose cooldown is open. Log reads alerts back from the
// stream for GET /v1/alerts: backwards from the stream's end in windows of
// sequence numbers, each read by a consumer that starts at the window
// (list.go), so listing the newest alerts costs about what it returns, not
// the stream's length; pages go further back with Query.Before.
//
// Deduplication: every alert carries Nats-Msg-Id = alerter.DedupKey (room,
// rule, utterance). The stream drops a repeat inside its duplicate window;
// Send treats that as success and sends no second reminder.
//
// Faults: an alert the stream cannot take comes back from Send wrapping
// alerter.ErrUnavailable with the reason (with Options.Health, the
// server's, at once); a stream found missing (deleted at run time) is
// created again from the Sink's configuration by the publish that noticed,
// by Ready's caller's next check, or by the monitor, and counted (Stats).
//
// Locks: Sink.mu (closed flag, in-flight count), state.mu and cooldown.mu
// are never held together; state.repair (one recreation at a time) is held
// while talking to NATS, nothing else is.
//
// This package must never match text, own or close the caller's
// *nats.Conn, keep package-level mutable state, or put unvalidated text
// into a subject.
package natsink
