package ring

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/earshot/earshot/ingest"
)

// Errors wrapped by Clip and Write.
var (
	// ErrEvicted: the clip starts before the oldest audio kept.
	ErrEvicted = errors.New("audio no longer buffered")
	// ErrNotYet: the clip ends after the newest audio written.
	ErrNotYet = errors.New("audio not yet buffered")
	// ErrBackwards: a chunk starts before the end of the previous one.
	ErrBackwards = errors.New("chunk overlaps buffered audio")
)

// Buffer is a fixed-capacity ring of 16 kHz mono samples addressed by
// stream time. It is safe for one writer and many readers at once.
type Buffer struct {
	mu    sync.RWMutex
	buf   []int16
	end   int64 // stream sample number just after the newest sample
	count int64 // samples held, at most len(buf)
}

// New returns a Buffer holding the most recent capacity of audio.
func New(capacity time.Duration) (*Buffer, error) {
	n := toSamples(capacity)
	if n < 1 || capacity > 24*time.Hour {
		return nil, fmt.Errorf("ring: capacity %v outside 1 sample..24h", capacity)
	}
	return &Buffer{buf: make([]int16, n)}, nil
}

// Capacity is how much audio the Buffer keeps.
func (b *Buffer) Capacity() time.Duration { return toDuration(int64(len(b.buf))) }

// Write appends a Chunk. A gap since the previous chunk (lost packets) is
// filled with silence so stream times stay true; a gap longer than the
// capacity simply restarts the buffer at the chunk. A chunk starting
// before the end of the buffered audio is refused with ErrBackwards.
func (b *Buffer) Write(c ingest.Chunk) error {
	start := toSamples(c.Offset)
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.count == 0 && b.end == 0:
		b.end = start
	case start < b.end:
		return fmt.Errorf("ring: chunk at %v: %w ending at %v", c.Offset, ErrBackwards, toDuration(b.end))
	case start-b.end >= int64(len(b.buf)):
		b.end, b.count = start, 0
	case start > b.end:
		b.appendLocked(make([]int16, start-b.end))
	}
	b.appendLocked(c.PCM)
	return nil
}

// appendLocked copies pcm in, keeping only the last len(buf) samples.
func (b *Buffer) appendLocked(pcm []int16) {
	n := int64(len(b.buf))
	if int64(len(pcm)) > n {
		b.end += int64(len(pcm)) - n
		pcm = pcm[int64(len(pcm))-n:]
	}
	for len(pcm) > 0 {
		i := b.end % n
		k := copy(b.buf[i:], pcm)
		pcm = pcm[k:]
		b.end += int64(k)
		b.count = min(b.count+int64(k), n)
	}
}

// Span is the stream time covered now: [from, to).
func (b *Buffer) Span() (from, to time.Duration) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return toDuration(b.end - b.count), toDuration(b.end)
}

// Clip copies out the audio in [from, to). Times are rounded down to whole
// samples. It fails with ErrEvicted or ErrNotYet if any of the range is
// not buffered; Span tells what is.
func (b *Buffer) Clip(from, to time.Duration) ([]int16, error) {
	if to < from || from < 0 {
		return nil, fmt.Errorf("ring: invalid clip %v..%v", from, to)
	}
	s, e := toSamples(from), toSamples(to)
	b.mu.RLock()
	defer b.mu.RUnlock()
	if s < b.end-b.count {
		return nil, fmt.Errorf("ring: clip %v..%v: %w (oldest is %v)", from, to, ErrEvicted, toDuration(b.end-b.count))
	}
	if e > b.end {
		return nil, fmt.Errorf("ring: clip %v..%v: %w (newest ends %v)", from, to, ErrNotYet, toDuration(b.end))
	}
	out := make([]int16, e-s)
	n := int64(len(b.buf))
	for k := 0; k < len(out); {
		i := (s + int64(k)) % n
		k += copy(out[k:], b.buf[i:])
	}
	return out, nil
}

func toSamples(d time.Duration) int64 {
	return int64(d / (time.Second / ingest.SampleRate))
}

func toDuration(n int64) time.Duration {
	return time.Duration(n) * time.Second / ingest.SampleRate
}
