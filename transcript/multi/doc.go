// Package multi runs several recognizers on the same audio, e.g. keyword
// spotting beside free text, or a local engine beside a server: every
// Write, EndUtterance and Close goes to each, and their hypotheses go to
// the one Emit, each named by the engine that produced it
// (Hypothesis.Recognizer), with utterance numbers kept apart per engine.
//
// It must never emit concurrently (sub-streams emit from the caller's
// goroutine, one after the other) and never hide a sub-stream's error.
package multi
