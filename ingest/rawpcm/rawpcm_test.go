package rawpcm

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
)

func s16le(samples []int16) []byte {
	var b []byte
	for _, v := range samples {
		b = binary.LittleEndian.AppendUint16(b, uint16(v))
	}
	return b
}

// trickle returns at most n bytes per Read, like a pipe.
type trickle struct {
	r io.Reader
	n int
}

func (t trickle) Read(p []byte) (int, error) { return t.r.Read(p[:min(len(p), t.n)]) }

func run(t *testing.T, r io.Reader, opts Options) ([]ingest.Chunk, error) {
	t.Helper()
	s, err := New(r, "-", opts)
	if err != nil {
		t.Fatal(err)
	}
	var got []ingest.Chunk
	err = s.Run(context.Background(), func(c ingest.Chunk) error { got = append(got, c); return nil })
	return got, err
}

func join(t *testing.T, chunks []ingest.Chunk) []int16 {
	t.Helper()
	var pcm []int16
	var next time.Duration
	for _, c := range chunks {
		if c.Offset != next {
			t.Fatalf("chunk at %v, want %v", c.Offset, next)
		}
		next = c.End()
		pcm = append(pcm, c.PCM...)
	}
	return pcm
}

func TestPassthroughWithShortReads(t *testing.T) {
	want := make([]int16, 16000)
	for i := range want {
		want[i] = int16(i*7 - 30000)
	}
	for _, n := range []int{1, 3, 641, 1 << 20} {
		got, err := run(t, trickle{bytes.NewReader(s16le(want)), n}, Options{SampleRate: 16000, Channels: 1})
		if err != nil {
			t.Fatal(err)
		}
		if pcm := join(t, got); !slices.Equal(pcm, want) {
			t.Errorf("%d-byte reads: samples changed", n)
		}
	}
}

func TestStereo48k(t *testing.T) {
	in := make([]int16, 48000*2) // 1 s of silence, stereo
	got, err := run(t, trickle{bytes.NewReader(s16le(in)), 1001}, Options{SampleRate: 48000, Channels: 2, Chunk: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(join(t, got)); n != 16000 || len(got) != 10 {
		t.Errorf("%d samples in %d chunks, want 16000 in 10", n, len(got))
	}
}

func TestPartialFrame(t *testing.T) {
	got, err := run(t, bytes.NewReader(make([]byte, 3203)), Options{SampleRate: 16000, Channels: 2})
	if !errors.Is(err, ErrPartialFrame) {
		t.Fatalf("got %v, want ErrPartialFrame", err)
	}
	if n := len(join(t, got)); n != 800 {
		t.Errorf("%d samples emitted before the stray bytes, want 800", n)
	}
}

func TestReadError(t *testing.T) {
	boom := errors.New("boom")
	_, err := run(t, io.MultiReader(bytes.NewReader(make([]byte, 640)), errReader{boom}), Options{SampleRate: 16000, Channels: 1})
	if !errors.Is(err, boom) {
		t.Errorf("got %v, want boom", err)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestRejectsOptions(t *testing.T) {
	for _, o := range []Options{{}, {SampleRate: 16000}, {Channels: 1}, {SampleRate: 16000, Channels: 1, Chunk: -1}} {
		if _, err := New(bytes.NewReader(nil), "-", o); err == nil {
			t.Errorf("accepted %+v", o)
		}
	}
}

// TestCancelInterruptsBlockedPipe: nothing is ever written to the pipe, yet
// Run returns promptly when ctx is cancelled.
func TestCancelInterruptsBlockedPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	s, _ := New(r, "pipe", Options{SampleRate: 16000, Channels: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = s.Run(ctx, func(ingest.Chunk) error { return nil })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want deadline exceeded", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("Run took %v after a 50 ms deadline", el)
	}
}
