package pump

import (
	"context"
	"fmt"
	"time"

	"github.com/earshot/earshot/ingest"
)

// DefaultChunk is the chunk length used when none is given: what a live
// WebRTC source delivers per packet.
const DefaultChunk = 20 * time.Millisecond

// MaxChunk bounds the chunk length.
const MaxChunk = 10 * time.Second

// Clock is the wall clock used for pacing; tests replace it.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx is done, and returns ctx's error then.
	Sleep(ctx context.Context, d time.Duration) error
}

// Pump accumulates PCM and emits it as chunks of a fixed length.
type Pump struct {
	emit     ingest.Emit
	size     int // samples per chunk
	realtime bool
	clock    Clock
	pending  []int16
	sent     int64 // samples emitted so far
	start    time.Time
}

// New returns a Pump emitting chunks of the given length (DefaultChunk if
// zero) to emit, paced in real time if realtime is set.
func New(emit ingest.Emit, chunk time.Duration, realtime bool) (*Pump, error) {
	if chunk == 0 {
		chunk = DefaultChunk
	}
	size := int(chunk * ingest.SampleRate / time.Second)
	if chunk < 0 || chunk > MaxChunk || size < 1 {
		return nil, fmt.Errorf("pump: chunk length %v outside %v..%v", chunk, time.Second/ingest.SampleRate, MaxChunk)
	}
	return &Pump{emit: emit, size: size, realtime: realtime, clock: wallClock{}}, nil
}

// SetClock replaces the wall clock (for tests).
func (p *Pump) SetClock(c Clock) { p.clock = c }

// Push adds 16 kHz mono samples and emits every full chunk. It returns
// ctx's error if ctx ends while it waits, or emit's error.
func (p *Pump) Push(ctx context.Context, pcm []int16) error {
	p.pending = append(p.pending, pcm...)
	n := 0
	for len(p.pending)-n >= p.size {
		if err := p.send(ctx, p.pending[n:n+p.size]); err != nil {
			return err
		}
		n += p.size
	}
	p.pending = p.pending[:copy(p.pending, p.pending[n:])]
	return nil
}

// Finish emits what is left as a last, shorter chunk.
func (p *Pump) Finish(ctx context.Context) error {
	if len(p.pending) == 0 {
		return nil
	}
	err := p.send(ctx, p.pending)
	p.pending = p.pending[:0]
	return err
}

// Sent is the stream time emitted so far.
func (p *Pump) Sent() time.Duration { return samplesToDuration(p.sent) }

func (p *Pump) send(ctx context.Context, pcm []int16) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c := ingest.Chunk{Offset: samplesToDuration(p.sent), PCM: append([]int16(nil), pcm...)}
	if p.realtime {
		if err := p.pace(ctx, c.End()); err != nil {
			return err
		}
	}
	p.sent += int64(len(pcm))
	if err := p.emit(c); err != nil {
		return fmt.Errorf("emit chunk at %v: %w", c.Offset, err)
	}
	return nil
}

// pace waits until the wall clock reaches the stream start plus streamEnd:
// a chunk is released when a live source would have finished receiving it.
func (p *Pump) pace(ctx context.Context, streamEnd time.Duration) error {
	if p.start.IsZero() {
		p.start = p.clock.Now()
	}
	if d := p.start.Add(streamEnd).Sub(p.clock.Now()); d > 0 {
		return p.clock.Sleep(ctx, d)
	}
	return nil
}

func samplesToDuration(n int64) time.Duration {
	return time.Duration(n) * time.Second / ingest.SampleRate
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
