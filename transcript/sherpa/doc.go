// Package sherpa is a transcript.Recognizer that talks to sherpa-onnx's
// streaming WebSocket server (sherpa-onnx-online-websocket-server): binary
// frames of float32 little-endian samples in [-1, 1] at 16 kHz, JSON results
// {"text", "tokens", "timestamps", "segment", "start_time", "is_final", ...}
// back, the text "Done" to finish and "Done!" as the server's last word.
//
// One connection carries one utterance: EndUtterance sends "Done" and waits
// (bounded by Config.Timeout) for "Done!", so the server's own endpointing
// (segments) never splits what earshot's segmenter calls one utterance.
//
// It must never emit from its reader goroutine, never block without a
// deadline, and never stop a room's pipeline because the server
// misbehaved: errors are logged, counted, and the utterance is dropped.
package sherpa
