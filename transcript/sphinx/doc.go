// Package sphinx is earshot's embedded default speech recognizer: CMU
// PocketSphinx (the Debian 5prealpha C library) through cgo, behind the
// transcript.Recognizer interface.
//
// Each Stream owns one decoder, because a PocketSphinx decoder is not safe
// for concurrent use. Creating a decoder loads the acoustic model, the
// language model and the dictionary (about a second and 100 MB), so a
// Recognizer keeps closed streams' decoders in a small idle pool and hands
// them to the next Open. Write feeds audio as it arrives and emits partial
// hypotheses while the speaker is still talking; EndUtterance emits the
// final hypothesis with word timestamps and n-best alternatives. With
// Config.Keyphrases the decoder spots keyphrases instead of transcribing
// freely.
//
// Without cgo (CGO_ENABLED=0) the package still builds, for deployments
// that use a remote recognizer: Available is false and New returns
// ErrUnavailable.
//
// This package must never let bad input reach the C library (empty writes,
// writes after Close, a missing model are Go errors), never call a decoder
// from two goroutines at once, never write to stderr unless Config.Debug is
// set, and never know about rules or alerts.
package sphinx
