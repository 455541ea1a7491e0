// Package rooms keeps the registry of monitored rooms: which are registered
// and where their audio comes from (a pulled URL or WHIP publishers), which
// are live, what they have heard, and why they failed or are reconnecting.
// It runs one pipeline per session, supervises pulled sources (reconnecting
// with exponential backoff and jitter), hands a room over from one WHIP
// publisher to the next (ReplaceAudio: the old session drains, then the
// new one starts), keeps each live session's recent audio so that alerts
// carry an evidence clip, persists the registered rooms in the data dir (a
// room list found unreadable at Open, truncated or garbled, is moved aside
// as rooms.json.quarantined-<time> and reported by SetAside, and the
// registry starts empty; one that reads but does not validate still fails
// Open), and on shutdown waits until every pipeline has finalized its last
// utterance and flushed its alerts and clips. A room's State is one of the
// typed constants in states.go, whose table says what each means and how a
// room moves between them.
//
// This package must never decode audio or match text itself: it only starts,
// tracks and stops pipelines. It must never block a pipeline's recognizer
// or sender on evidence writing: clips are queued, and dropped and counted
// when the queue is full.
//
// Lock order: Registry.saveMu before Registry.mu; ring.Buffer's own lock is
// taken with neither held by the evidence worker, and under neither by the
// pipeline. No lock is held while a pipeline runs or a file is written,
// except saveMu around the room list file.
package rooms
