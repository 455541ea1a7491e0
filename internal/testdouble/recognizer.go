package testdouble

import (
	"context"
	"time"

	"github.com/earshot/earshot/transcript"
)

// Silent is a transcript.Recognizer that hears audio and says nothing: it
// stands in for ASR where a test exercises everything else.
type Silent struct{}

// Name reports "silent".
func (Silent) Name() string { return "silent" }

// Open returns a stream that never emits.
func (Silent) Open(context.Context, transcript.Emit) (transcript.Stream, error) {
	return SilentStream{}, nil
}

// Close does nothing.
func (Silent) Close() error { return nil }

// SilentStream accepts every write and emits nothing.
type SilentStream struct{}

// Write discards pcm.
func (SilentStream) Write([]int16, time.Duration) error { return nil }

// EndUtterance does nothing.
func (SilentStream) EndUtterance() error { return nil }

// Close does nothing.
func (SilentStream) Close() error { return nil }
