package wavfile

import (
	"bytes"
	"context"
	"testing"

	"github.com/earshot/earshot/ingest"
)

// BenchmarkRun decodes and converts 10 s of 44.1 kHz stereo 16-bit audio
// as fast as possible.
func BenchmarkRun(b *testing.B) {
	sp := pcmSpec(44100, 2, 16)
	data := sp.build(encodeTone(44100, 2, 16, 440, 0.5, 441000))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s, err := NewReader(bytes.NewReader(data), "bench", Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Run(context.Background(), func(ingest.Chunk) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
