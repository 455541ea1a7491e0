// Package eval measures detection accuracy: it runs a labelled corpus
// through the real pipeline (segmenter, recognizer, lexicon, detector) and
// scores the alerts against the labels (recall, precision, false alarms per
// hour of clean speech, detection latency), and it generates such a corpus
// with internal/tts. TuneKWS chooses keyword-spotting thresholds per
// phone-count band on a corpus split (Corpus.Split reads manifest.json).
//
// Corpus layout, so any labelled set plugs in: NAME.wav with NAME.json =
// {"expect": [{"category": "...", "start_ms": N, "end_ms": N}]} (an empty
// list for clean speech), plus optional *.jsonl text cases, one
// {"text": "...", "expect": ["category"]} a line.
//
// This package must never change what it measures to make numbers look
// better (no special cases for the generated corpus), never commit
// generated audio, and never talk to NATS: alerts go to an in-memory sink.
package eval
