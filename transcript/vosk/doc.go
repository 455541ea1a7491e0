// Package vosk is a transcript.Recognizer that talks to a Vosk server
// (alphacep/vosk-server, asr_server.py) over its WebSocket protocol: a
// config message {"config": {"sample_rate": 16000}}, binary frames of 16-bit
// little-endian PCM, {"partial": "..."} and {"result": [{word, start, end,
// conf}], "text": "..."} answers, and {"eof" : 1} to finish.
//
// One connection carries one utterance: EndUtterance sends eof and waits
// (bounded by Config.Timeout) for the last result, so the server's own
// endpointing never splits what earshot's segmenter calls one utterance.
//
// It must never emit from its reader goroutine (hypotheses are emitted from
// Write and EndUtterance only), never block without a deadline, and never
// stop a room's pipeline because the server misbehaved: errors are logged,
// counted, and the utterance is dropped.
package vosk
