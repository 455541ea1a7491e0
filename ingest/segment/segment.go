package segment

import (
	"fmt"
	"time"

	"github.com/earshot/earshot/ingest"
)

// Kind says what an Event marks.
type Kind int

// Event kinds.
const (
	SpeechStart Kind = iota + 1
	SpeechEnd
)

func (k Kind) String() string {
	switch k {
	case SpeechStart:
		return "start"
	case SpeechEnd:
		return "end"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Cause says why an utterance ended (SpeechEnd) or began (SpeechStart).
type Cause int

// Causes.
const (
	// Onset: speech was heard (SpeechStart).
	Onset Cause = iota + 1
	// Continued: speech goes on after a MaxLength cut (SpeechStart).
	Continued
	// Pause: the speaker paused (SpeechEnd).
	Pause
	// MaxLength: the utterance reached the maximum length (SpeechEnd).
	MaxLength
	// EndOfStream: Flush was called during speech (SpeechEnd).
	EndOfStream
)

func (c Cause) String() string {
	switch c {
	case Onset:
		return "onset"
	case Continued:
		return "continued"
	case Pause:
		return "pause"
	case MaxLength:
		return "max-length"
	case EndOfStream:
		return "end-of-stream"
	}
	return fmt.Sprintf("Cause(%d)", int(c))
}

// Event is a speech boundary in stream time.
type Event struct {
	Kind  Kind
	At    time.Duration
	Cause Cause
}

func (e Event) String() string { return fmt.Sprintf("%s@%v(%s)", e.Kind, e.At, e.Cause) }

// Segmenter turns audio into speech boundaries. Starts and ends alternate,
// beginning with a start; Events come in stream-time order.
type Segmenter interface {
	// Push takes the next Chunk (offsets must not go backwards; audio
	// overlapping what was already pushed is ignored, a gap counts as
	// silence) and returns the boundaries it revealed, often none.
	Push(c ingest.Chunk) []Event
	// Flush ends the stream: it closes an open utterance and resets the
	// Segmenter for a new stream.
	Flush() []Event
}

// Config tunes Energy. The zero value of a field means its default.
type Config struct {
	// Pause is the silence that ends an utterance (default 400 ms).
	Pause time.Duration
	// MaxUtterance forces a cut in speech this long (default 15 s).
	MaxUtterance time.Duration
	// MinSpeech is how long the level must stay above the onset threshold
	// for speech to start (default 50 ms): clicks are shorter.
	MinSpeech time.Duration
	// PreRoll moves a start back so that soft word onsets are included
	// (default 250 ms).
	PreRoll time.Duration
	// Hangover extends an end past the last loud frame, for soft word
	// endings (default 150 ms; at most Pause).
	Hangover time.Duration
	// OnsetDB and OffsetDB are the thresholds above the noise floor at
	// which speech starts and stops counting (defaults 10 and 5 dB).
	OnsetDB, OffsetDB float64
	// MinLevelDB is the level in dBFS that speech must exceed whatever the
	// noise floor (default -55).
	MinLevelDB float64
	// FloorWindow is how far back the noise floor (the quietest frame)
	// looks (default 3 s). Steady sound longer than this becomes floor.
	FloorWindow time.Duration
}

func (c Config) withDefaults() Config {
	def := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.Pause, 400*time.Millisecond)
	def(&c.MaxUtterance, 15*time.Second)
	def(&c.MinSpeech, 50*time.Millisecond)
	def(&c.PreRoll, 250*time.Millisecond)
	def(&c.Hangover, 150*time.Millisecond)
	def(&c.FloorWindow, 3*time.Second)
	if c.OnsetDB == 0 {
		c.OnsetDB = 10
	}
	if c.OffsetDB == 0 {
		c.OffsetDB = 5
	}
	if c.MinLevelDB == 0 {
		c.MinLevelDB = -55
	}
	return c
}

func (c Config) check() error {
	switch {
	case c.Pause < 0 || c.MaxUtterance < 0 || c.MinSpeech < 0 || c.PreRoll < 0 || c.Hangover < 0 || c.FloorWindow < 0:
		return fmt.Errorf("segment: negative duration in %+v", c)
	case c.Hangover > c.Pause:
		return fmt.Errorf("segment: hangover %v longer than pause %v", c.Hangover, c.Pause)
	case c.MaxUtterance <= c.Pause:
		return fmt.Errorf("segment: max utterance %v not longer than pause %v", c.MaxUtterance, c.Pause)
	case c.OffsetDB > c.OnsetDB || c.OffsetDB < 0:
		return fmt.Errorf("segment: offset threshold %.1f dB must be in 0..onset %.1f dB", c.OffsetDB, c.OnsetDB)
	}
	return nil
}
