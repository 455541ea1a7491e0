package transcript

// ErrorCounter is an optional capability of a Recognizer: one that can
// lose an utterance to an error it does not return (a remote server that
// failed after its retries, a dropped connection) counts those losses.
// The service exports the count in /metrics, per engine. A recognizer that
// cannot lose utterances that way need not implement it.
type ErrorCounter interface {
	// Errors counts utterances lost to errors since the Recognizer was
	// built; it never decreases and is safe to call at any time.
	Errors() uint64
}
