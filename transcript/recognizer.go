package transcript

import (
	"context"
	"time"
)

// Word is one recognized word with its position in stream time.
type Word struct {
	Text       string        `json:"text"`
	Start      time.Duration `json:"start_ns"`
	End        time.Duration `json:"end_ns"`
	Confidence float64       `json:"confidence,omitempty"`
}

// Hypothesis is what a recognizer believes was said in one utterance so far.
type Hypothesis struct {
	// Utterance numbers the utterance within the stream, from 1. Partials
	// and the final of one utterance share it, so downstream stages can
	// deduplicate hits across them.
	Utterance uint64 `json:"utterance"`
	// Final is true for the last hypothesis of an utterance.
	Final bool   `json:"final"`
	Text  string `json:"text"`
	// Alternatives are other readings of the same audio (n-best), best first,
	// not including Text.
	Alternatives []string `json:"alternatives,omitempty"`
	// Words carry timestamps when the engine gives them.
	Words []Word `json:"words,omitempty"`
	// Start and End bound the utterance in stream time.
	Start      time.Duration `json:"start_ns"`
	End        time.Duration `json:"end_ns"`
	Confidence float64       `json:"confidence,omitempty"`
	// Recognizer names the engine that produced it.
	Recognizer string `json:"recognizer,omitempty"`
}

// Emit receives hypotheses. A Stream calls it from the goroutine that calls
// Write or EndUtterance, never concurrently.
type Emit func(Hypothesis)

// Stream recognizes one continuous audio stream.
type Stream interface {
	// Write feeds 16 kHz mono PCM whose first sample is at stream time
	// offset. It may emit partial hypotheses.
	Write(pcm []int16, offset time.Duration) error
	// EndUtterance tells the recognizer that the speaker paused: it emits
	// the utterance's final hypothesis (if anything was heard) and starts a
	// new utterance.
	EndUtterance() error
	// Close ends the current utterance and releases the stream.
	Close() error
}

// Recognizer is an ASR engine. Open may be called for many streams at once.
type Recognizer interface {
	Name() string
	Open(ctx context.Context, emit Emit) (Stream, error)
	Close() error
}
