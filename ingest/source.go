package ingest

import (
	"context"
	"errors"
	"time"
)

// SampleRate is the rate of every Chunk a Source emits: what speech
// recognizers expect, and enough for speech.
const SampleRate = 16000

// Chunk is a run of 16 kHz mono PCM samples.
type Chunk struct {
	// Offset is the stream time of the first sample, measured from the start
	// of the stream.
	Offset time.Duration
	// PCM holds signed 16-bit samples. A Source must not reuse the slice
	// after emitting it.
	PCM []int16
}

// Duration is how much stream time the chunk covers.
func (c Chunk) Duration() time.Duration {
	return time.Duration(len(c.PCM)) * time.Second / SampleRate
}

// End is the stream time just after the last sample.
func (c Chunk) End() time.Duration { return c.Offset + c.Duration() }

// Emit receives audio from a Source. It must not block for long: a live
// Source calls it from its network read loop. An error stops the Source.
type Emit func(Chunk) error

// Source produces a stream's audio until the stream ends, fails or ctx is
// cancelled. Run returns nil when the stream ended normally (end of file,
// publisher hung up) and a wrapped error otherwise; the error names the
// source (its Describe), so callers add only their own context.
type Source interface {
	// Describe names the source for logs and room status, e.g. "wav:/x.wav".
	Describe() string
	Run(ctx context.Context, emit Emit) error
}

// ErrUnreachable is what every pulled Source returns when it could not
// reach its far end or lost it before any audio, whatever the cause
// (refused, timed out, reset, no route, unknown name). It is one neutral
// message on purpose: errors shown to whoever registered the URL must not
// tell an open port from a closed or filtered one. Sources log the detail
// at debug level.
var ErrUnreachable = errors.New("could not connect to the source")
