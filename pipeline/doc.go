// Package pipeline wires one room's stages together: a Source's audio goes
// to a voice-activity segmenter and a recognizer stream, every hypothesis
// (partial or final) goes to the current lexicon Matcher, and every new hit
// becomes an alert on a Sink.
//
// Each stage runs in its own goroutine with a bounded queue in between, so a
// slow recognizer never blocks a network read: audio that does not fit is
// dropped and counted, never buffered without bound.
//
// This package must never know which kind of source, recognizer, lexicon
// storage or transport it is wired to: it sees only the stage interfaces.
package pipeline
