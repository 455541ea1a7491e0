// Package pipeline wires one room's stages together: a Source's audio goes
// to a voice-activity segmenter and a recognizer stream, and every
// hypothesis (partial or final) goes down the one path from hypothesis to
// alert, the Scanner.
//
// The Scanner is shared by every way text enters earshot: audio rooms
// (Run), text posted by a platform's own ASR (rooms.Registry.Utterances)
// and `earshot scan`. It takes a plain value, Heard (room, session,
// utterance number, stream times, text), pins the lexicon version for the
// utterance, alerts each rule once per utterance, hands hypotheses and hits
// to the transcript hook, counts utterances and delivered alerts in the
// session's Stats, and sends alerts to the Sink. Because its input is a
// plain value, the path can later be cut at that point (ingest publishes
// Heard values, a scanner elsewhere consumes them) without a second
// implementation.
//
// Each stage of Run runs in its own goroutine with a bounded queue in
// between, so a slow recognizer never blocks a network read: audio that
// does not fit is dropped and counted, never buffered without bound. An
// alert is never dropped: when the sink is slow, the recognizer waits and
// audio is dropped instead.
//
// This package must never know which kind of source, recognizer, lexicon
// storage, transcript storage or transport it is wired to: it sees only the
// stage interfaces.
package pipeline
