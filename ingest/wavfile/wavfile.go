package wavfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/go-audio/audio"
	"github.com/go-audio/wav"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/internal/pump"
	"github.com/earshot/earshot/ingest/resample"
)

// Options tune a Source.
type Options struct {
	// Realtime paces chunks by the wall clock, as a live stream would
	// arrive; otherwise they are emitted as fast as emit accepts them.
	Realtime bool
	// Chunk is the length of each emitted Chunk (the last may be shorter);
	// 0 means 20 ms. At most 10 s.
	Chunk time.Duration
}

// readFrames is how many frames are decoded per read.
const readFrames = 4096

// Source emits a WAV file's audio. Run it once.
type Source struct {
	name   string
	r      io.ReadSeeker
	closer io.Closer
	h      *header
	opts   Options

	mu  sync.Mutex
	ran bool
}

var _ ingest.Source = (*Source)(nil)

// Open opens and checks the WAV file at path. The file stays open until
// Run returns or Close is called.
func Open(path string, opts Options) (*Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("wavfile: %w", err)
	}
	s, err := NewReader(f, path, opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	s.closer = f
	return s, nil
}

// NewReader checks the WAV in r (an uploaded body, say); name is used in
// Describe and in errors. The caller keeps ownership of r.
func NewReader(r io.ReadSeeker, name string, opts Options) (*Source, error) {
	if _, err := pump.New(nil, opts.Chunk, false); err != nil {
		return nil, fmt.Errorf("wavfile %s: %w", name, err)
	}
	h, err := readHeader(r)
	if err != nil {
		return nil, fmt.Errorf("wavfile %s: %w", name, err)
	}
	return &Source{name: name, r: r, h: h, opts: opts}, nil
}

// Describe names the source, e.g. "wav:/x.wav".
func (s *Source) Describe() string { return "wav:" + s.name }

// Format describes the file's audio as stored (before conversion).
func (s *Source) Format() Format { return s.h.Format }

// Close releases the file if Open opened it. Run closes it too.
func (s *Source) Close() error {
	if s.closer == nil {
		return nil
	}
	c := s.closer
	s.closer = nil
	return c.Close()
}

// Run emits the audio as 16 kHz mono chunks. It returns nil at the end of
// the file, ctx's error if cancelled, or a wrapped decode or emit error.
func (s *Source) Run(ctx context.Context, emit ingest.Emit) error {
	s.mu.Lock()
	ran := s.ran
	s.ran = true
	s.mu.Unlock()
	if ran {
		return fmt.Errorf("wavfile %s: Run called twice", s.name)
	}
	defer s.Close()
	if err := s.run(ctx, emit); err != nil {
		return fmt.Errorf("wavfile %s: %w", s.name, err)
	}
	return nil
}

func (s *Source) run(ctx context.Context, emit ingest.Emit) error {
	p, err := pump.New(emit, s.opts.Chunk, s.opts.Realtime)
	if err != nil {
		return err
	}
	conv, err := resample.New(s.h.SampleRate, s.h.Channels)
	if err != nil {
		return err
	}
	d, err := s.decoder()
	if err != nil {
		return err
	}
	st := &stream{h: s.h, d: d, conv: conv, pump: p}
	return st.copy(ctx)
}

// decoder positions a go-audio decoder at the samples and checks it read
// the header as the preflight walk did.
func (s *Source) decoder() (d *wav.Decoder, err error) {
	defer func() {
		if r := recover(); r != nil { // a third-party parser on untrusted input
			err = fmt.Errorf("%w: decoder failed: %v", ErrMalformed, r)
		}
	}()
	if _, err := s.r.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("rewind: %w", err)
	}
	d = wav.NewDecoder(fullReader{s.r})
	if err := d.FwdToPCM(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if err := d.Err(); err != nil || d.PCMChunk == nil {
		return nil, fmt.Errorf("%w: decoder found no samples (%v)", ErrMalformed, err)
	}
	if int(d.NumChans) != s.h.Channels || int(d.BitDepth) != s.h.BitDepth || int(d.SampleRate) != s.h.SampleRate {
		return nil, fmt.Errorf("%w: decoder read %d ch %d-bit %d Hz, header says %v", ErrMalformed, d.NumChans, d.BitDepth, d.SampleRate, s.h.Format)
	}
	// Read exactly the frames the preflight counted (the declared size may
	// be a streaming writer's 0 or 0xFFFFFFFF).
	d.PCMChunk.R = io.LimitReader(fullReader{s.r}, s.h.Frames*int64(s.h.blockAlign))
	return d, nil
}

// stream carries one Run's decoding state.
type stream struct {
	h    *header
	d    *wav.Decoder
	conv *resample.Converter
	pump *pump.Pump
	buf  audio.IntBuffer
	fl   []float32 // decoded samples not yet converted (partial frame)
	out  []int16
}

func (st *stream) copy(ctx context.Context) error {
	want := st.h.Frames * int64(st.h.Channels)
	st.buf.Data = make([]int, readFrames*st.h.Channels)
	for got := int64(0); got < want; {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := st.read(int(min(int64(len(st.buf.Data)), want-got)))
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("%w: samples end after %d of %d frames", ErrTruncated, got/int64(st.h.Channels), st.h.Frames)
		}
		got += int64(n)
		if err := st.convert(ctx, st.buf.Data[:n]); err != nil {
			return err
		}
	}
	if err := st.pump.Push(ctx, st.conv.Flush(st.out[:0])); err != nil {
		return err
	}
	return st.pump.Finish(ctx)
}

func (st *stream) read(n int) (got int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: decoder failed: %v", ErrMalformed, r)
		}
	}()
	data := st.buf.Data
	st.buf.Data = data[:n]
	got, err = st.d.PCMBuffer(&st.buf)
	st.buf.Data = data
	if err != nil {
		return got, fmt.Errorf("decode samples: %w", err)
	}
	return got, nil
}

// convert scales decoded integers to ±1, keeps any partial frame for the
// next call, and pushes the converted audio to the pump.
func (st *stream) convert(ctx context.Context, samples []int) error {
	scale, bias := sampleScale(st.h.BitDepth)
	for _, v := range samples {
		st.fl = append(st.fl, float32(float64(v-bias)*scale))
	}
	whole := len(st.fl) - len(st.fl)%st.h.Channels
	var err error
	st.out, err = st.conv.AppendFloat32(st.out[:0], st.fl[:whole])
	if err != nil {
		return err
	}
	st.fl = st.fl[:copy(st.fl, st.fl[whole:])]
	return st.pump.Push(ctx, st.out)
}

// sampleScale maps a bit depth to the factor and offset that bring its
// integers to ±1 (8-bit WAV is unsigned).
func sampleScale(bits int) (float64, int) {
	if bits == 8 {
		return 1.0 / 128, 128
	}
	return 1 / float64(int64(1)<<(bits-1)), 0
}

// fullReader makes every Read fill its buffer unless the input ends, so
// the decoder never sees a short read in the middle of a sample.
type fullReader struct{ io.ReadSeeker }

func (f fullReader) Read(p []byte) (int, error) {
	n, err := io.ReadFull(f.ReadSeeker, p)
	if n > 0 && (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)) {
		err = nil
	}
	if n == 0 && errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	return n, err
}
