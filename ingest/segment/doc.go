// Package segment finds where speech starts and ends in a stream of
// Chunks, so that a recognizer can be told when an utterance is over.
//
// A Segmenter takes Chunks in stream order and returns Events (speech start
// and speech end, with stream times). Energy is the built-in one: a 10 ms
// frame energy detector with a noise floor tracked by minimum statistics
// over the last few seconds, hysteresis between its onset and offset
// thresholds, pre-roll and hangover so word edges are not clipped, a pause
// length that ends an utterance, and a maximum utterance length that forces
// a cut. A model-based VAD can replace it behind the same interface.
//
// Start events may lie up to PreRoll+MinSpeech before the end of the chunk
// that produced them: the caller keeps that much recent audio (ring.Buffer
// does). End events never lie after the audio pushed so far.
//
// This package must never do I/O, start goroutines or know about
// recognizers; a Segmenter is used by one goroutine at a time.
package segment
