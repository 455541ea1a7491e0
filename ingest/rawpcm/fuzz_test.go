package rawpcm

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"testing/iotest"
	"time"

	"github.com/earshot/earshot/ingest"
)

// FuzzRawPCM runs arbitrary bytes through a Source with arbitrary options
// and read sizes: New refuses bad options with an error, Run never panics,
// the chunks are contiguous and cover the input's duration, and a partial
// last frame is reported.
func FuzzRawPCM(f *testing.F) {
	f.Add(uint32(16000), uint8(1), uint8(20), uint8(0), []byte{1, 0, 2, 0, 3, 0})
	f.Add(uint32(44100), uint8(2), uint8(0), uint8(1), bytes.Repeat([]byte{0xff, 0x7f, 0, 0x80}, 3000))
	f.Add(uint32(48000), uint8(1), uint8(10), uint8(2), []byte{1, 2, 3})
	f.Add(uint32(8000), uint8(8), uint8(255), uint8(0), make([]byte, 4097))
	f.Add(uint32(0), uint8(0), uint8(0), uint8(0), []byte{})
	f.Fuzz(func(t *testing.T, rate uint32, channels, chunkMs, reads uint8, data []byte) {
		var r io.Reader = bytes.NewReader(data)
		switch reads % 3 {
		case 1:
			r = iotest.OneByteReader(r)
		case 2:
			r = iotest.DataErrReader(iotest.HalfReader(r))
		}
		// Mostly rates whose filters are quick to build (resample has its
		// own tests), now and then the raw value (bad or unusual rates).
		hz := []int{16000, 8000, 48000, 44100, 22050, 32000, 96000, 1000, 384000, int(rate)}[rate%10]
		opts := Options{SampleRate: hz, Channels: int(channels), Chunk: time.Duration(chunkMs) * time.Millisecond}
		src, err := New(r, "fuzz", opts)
		if err != nil {
			return
		}
		var end time.Duration
		err = src.Run(context.Background(), func(c ingest.Chunk) error {
			if c.Offset != end || len(c.PCM) == 0 {
				t.Fatalf("chunk at %v with %d samples, want at %v", c.Offset, len(c.PCM), end)
			}
			end = c.End()
			return nil
		})
		frame := 2 * int(channels)
		if partial := len(data)%frame != 0; partial != errors.Is(err, ErrPartialFrame) || !partial && err != nil {
			t.Fatalf("%d bytes of %d-byte frames: %v", len(data), frame, err)
		}
		want := time.Duration(len(data)/frame) * time.Second / time.Duration(hz)
		if d := end - want; d < -2*time.Millisecond || d > 2*time.Millisecond {
			t.Fatalf("%d frames at %d Hz: heard %v, want %v", len(data)/frame, hz, end, want)
		}
	})
}
