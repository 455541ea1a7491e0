// Package fakeasr holds fakes of third-party ASR servers that cannot be
// installed here: an OpenAI-compatible transcription endpoint, a Vosk
// WebSocket server and a sherpa-onnx streaming WebSocket server. Each
// speaks its documented protocol byte for byte but does not recognize
// speech: it answers with a scripted transcript, and can be told to fail,
// stall or send garbage, so the clients' error handling can be tested.
//
// These are fakes, for tests only. This package must never be imported by
// production code.
package fakeasr
