// Package wsasr is the per-utterance streaming machinery shared by the
// WebSocket recognizers (vosk, sherpa): a connection per utterance made at
// its first audio, PCM frames sent as they arrive, partials emitted when the
// text changes, and on EndUtterance an end-of-stream message and a bounded
// wait for the final result. Errors are logged and counted and lose only the
// utterance.
//
// What differs between servers (the greeting, the audio encoding, the
// messages and how they add up to a transcript) is a Protocol, implemented
// by each recognizer package.
//
// It must never decode a server's messages itself, never emit from the
// connection's reader goroutine, never block without a deadline, and never
// return a server's misbehaviour as a Stream error that would stop a room.
package wsasr
