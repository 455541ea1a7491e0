// Package wsconn is the WebSocket plumbing shared by the streaming
// recognizers (vosk, sherpa): one connection per utterance, a reader
// goroutine that queues server messages, and non-blocking or bounded reads
// of that queue so that hypotheses are emitted only from the goroutine that
// feeds audio.
//
// It uses golang.org/x/net/websocket, already in the module graph. It must
// never decode a protocol (that is each recognizer's job) and never block
// without a deadline.
package wsconn
