package rawpcm

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/internal/pump"
	"github.com/earshot/earshot/ingest/resample"
)

// ErrPartialFrame is wrapped by Run when the input ends in the middle of a
// sample frame; everything before it was emitted.
var ErrPartialFrame = errors.New("input ended mid-frame")

// Options describe the input and tune the Source.
type Options struct {
	SampleRate int // Hz, required
	Channels   int // required
	// Realtime paces chunks by the wall clock; leave it off for pipes that
	// already deliver in real time.
	Realtime bool
	// Chunk is the length of each emitted Chunk; 0 means 20 ms.
	Chunk time.Duration
}

// readBlock is the most input read at once, in stream time.
const readBlock = 20 * time.Millisecond

// Source emits the audio of a raw s16le stream. Run it once.
type Source struct {
	r    io.Reader
	name string
	opts Options
}

var _ ingest.Source = (*Source)(nil)

// New returns a Source over r; name is used in Describe and errors (e.g.
// "-" for standard input).
func New(r io.Reader, name string, opts Options) (*Source, error) {
	if err := resample.Check(opts.SampleRate, opts.Channels); err != nil {
		return nil, fmt.Errorf("rawpcm %s: %w", name, err)
	}
	if _, err := pump.New(nil, opts.Chunk, false); err != nil {
		return nil, fmt.Errorf("rawpcm %s: %w", name, err)
	}
	return &Source{r: r, name: name, opts: opts}, nil
}

// Describe names the source, e.g. "pcm:-".
func (s *Source) Describe() string { return "pcm:" + s.name }

// Run reads until EOF (returns nil), a read error, emit's error or ctx's
// cancellation.
func (s *Source) Run(ctx context.Context, emit ingest.Emit) error {
	if err := s.run(ctx, emit); err != nil {
		return fmt.Errorf("rawpcm %s: %w", s.name, err)
	}
	return nil
}

func (s *Source) run(ctx context.Context, emit ingest.Emit) error {
	conv, err := resample.New(s.opts.SampleRate, s.opts.Channels)
	if err != nil {
		return err
	}
	p, err := pump.New(emit, s.opts.Chunk, s.opts.Realtime)
	if err != nil {
		return err
	}
	defer interruptOnCancel(ctx, s.r)()
	frame := 2 * s.opts.Channels
	buf := make([]byte, max(frame, int(readBlock*time.Duration(s.opts.SampleRate)/time.Second)*frame))
	samples := make([]int16, 0, len(buf)/2)
	var out []int16
	have := 0
	for {
		n, rerr := s.r.Read(buf[have:])
		if err := ctx.Err(); err != nil {
			return err
		}
		have += n
		whole := have - have%frame
		samples = decode(samples[:0], buf[:whole])
		if out, err = conv.AppendInt16(out[:0], samples); err != nil {
			return err
		}
		if err := p.Push(ctx, out); err != nil {
			return err
		}
		have = copy(buf, buf[whole:have])
		if rerr != nil {
			return s.finish(ctx, conv, p, rerr, have)
		}
	}
}

// finish ends the stream on a read error or EOF.
func (s *Source) finish(ctx context.Context, conv *resample.Converter, p *pump.Pump, rerr error, stray int) error {
	if !errors.Is(rerr, io.EOF) {
		return fmt.Errorf("read after %v: %w", p.Sent(), rerr)
	}
	if err := p.Push(ctx, conv.Flush(nil)); err != nil {
		return err
	}
	if err := p.Finish(ctx); err != nil {
		return err
	}
	if stray > 0 {
		return fmt.Errorf("%w: %d stray bytes after %v", ErrPartialFrame, stray, p.Sent())
	}
	return nil
}

func decode(dst []int16, b []byte) []int16 {
	for i := 0; i+1 < len(b); i += 2 {
		dst = append(dst, int16(binary.LittleEndian.Uint16(b[i:])))
	}
	return dst
}

// interruptOnCancel makes a blocked Read return when ctx is cancelled, if
// the reader supports read deadlines. The returned function undoes it and
// clears the deadline, so the caller's reader stays usable.
func interruptOnCancel(ctx context.Context, r io.Reader) func() {
	d, ok := r.(interface{ SetReadDeadline(time.Time) error })
	if !ok {
		return func() {}
	}
	done := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(done)
		_ = d.SetReadDeadline(time.Now())
	})
	return func() {
		if !stop() {
			<-done
			_ = d.SetReadDeadline(time.Time{})
		}
	}
}
