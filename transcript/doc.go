// Package transcript defines how speech becomes text: the Recognizer
// interface every ASR engine adapter implements, and the Hypothesis it emits.
//
// Adapters live in sub-packages (sphinx is the embedded default). A
// recognizer emits partial hypotheses while the speaker is still talking, so
// that rules can fire before the sentence ends, and one final hypothesis per
// utterance.
//
// This package must never know about rules or alerts.
package transcript
