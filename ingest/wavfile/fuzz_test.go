package wavfile

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
)

// FuzzWAV feeds arbitrary bytes through header checking and, when they
// pass, through decoding and conversion. It must never panic, hang or
// produce chunks with gaps, and a failure must wrap one of the package's
// error kinds.
func FuzzWAV(f *testing.F) {
	tone := encodeTone(8000, 2, 16, 1000, 0.5, 40)
	for _, s := range []wavSpec{
		pcmSpec(8000, 2, 16), pcmSpec(44100, 1, 8), pcmSpec(48000, 2, 24), pcmSpec(16000, 1, 32),
		{tag: 1, channels: 2, rate: 48000, bits: 24, extensible: true, dataSize: -1},
		{tag: 1, channels: 1, rate: 16000, bits: 16, junkFirst: true, listAfter: true, dataSize: -1},
		{tag: 3, channels: 1, rate: 16000, bits: 32, dataSize: -1},
		{tag: 1, channels: 1, rate: 16000, bits: 16, dataSize: 0xFFFFFFFF},
	} {
		f.Add(s.build(tone))
	}
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVE"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		// A slow input is a bug too: crash so the fuzzer records it.
		watchdog := time.AfterFunc(5*time.Second, func() { panic("FuzzWAV: input took over 5 s") })
		defer watchdog.Stop()
		s, err := NewReader(bytes.NewReader(data), "fuzz", Options{Chunk: 10 * time.Millisecond})
		if err != nil {
			checkKind(t, err)
			return
		}
		var next time.Duration
		err = s.Run(context.Background(), func(c ingest.Chunk) error {
			if c.Offset != next || len(c.PCM) == 0 {
				t.Fatalf("chunk at %v with %d samples, want offset %v", c.Offset, len(c.PCM), next)
			}
			next = c.End()
			return nil
		})
		if err != nil {
			checkKind(t, err)
		}
	})
}

func checkKind(t *testing.T, err error) {
	t.Helper()
	for _, k := range []error{ErrNotWAV, ErrUnsupported, ErrMalformed, ErrTruncated, ErrEmpty} {
		if errors.Is(err, k) {
			return
		}
	}
	t.Fatalf("error of no known kind: %v", err)
}
