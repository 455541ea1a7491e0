// Package replay is a transcript.Recognizer that does not listen: it emits
// timestamped transcripts read from a JSONL file as the stream's audio
// reaches their times. It drives load tests and backtests, and Chinese end
// to end (Debian ships no Mandarin acoustic model).
//
// One line a transcript: {"start_ms": N, "end_ms": N, "text": "...",
// "final": true}. A line is emitted once the audio written reaches its
// end_ms (partials, "final": false, share the utterance of the next final).
// Close emits the lines the audio reached the start of.
//
// It must never read past the lines it was given, never emit a line twice,
// and never emit from anywhere but Write, EndUtterance and Close.
package replay
