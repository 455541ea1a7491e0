// Package transcripts is the path's transcript hook: it turns each final
// utterance the Scanner saw, with the hits on it, into a transcript store
// record and queues it for the store.
//
// It sits between pipeline and transcript/store so that neither knows the
// other: the store keeps records without knowing what a hypothesis or a
// lexicon hit is, and the pipeline hands hypotheses to a hook without
// knowing where transcripts are kept.
//
// This package must never block its caller (the hook runs on a
// recognizer's goroutine: the store's Add only queues) and must never match
// rules: it records the hits it is given.
package transcripts
