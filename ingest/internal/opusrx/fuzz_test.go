package opusrx

import (
	"encoding/binary"
	"testing"
	"time"
)

// FuzzPush feeds payloads with arbitrary timestamps and sequence numbers
// straight to a Receiver (no jitter buffer): timestamp jumps, wraps and
// reordering must keep chunks in order, bounded, and never panic the
// decoder. Each record is ts (4 bytes), seq (2), length (1), payload.
func FuzzPush(f *testing.F) {
	rec := func(ts uint32, seq uint16, p []byte) []byte {
		b := binary.BigEndian.AppendUint32(nil, ts)
		b = binary.BigEndian.AppendUint16(b, seq)
		return append(append(b, byte(len(p))), p...)
	}
	toc := []byte{0x78, 0x07, 0xc9, 0x79, 0xc8}
	f.Add(append(rec(0, 0, toc), rec(960, 1, toc)...))
	f.Add(append(rec(4294966336, 65535, toc), rec(0, 0, []byte{0xfc, 0xff})...))
	f.Add(append(rec(100000, 5, toc), rec(0, 4, toc)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		rx, err := New()
		if err != nil {
			t.Fatal(err)
		}
		var end time.Duration
		for len(data) >= 7 {
			ts, seq, n := binary.BigEndian.Uint32(data), binary.BigEndian.Uint16(data[4:]), int(data[6])
			data = data[7:]
			n = min(n, len(data))
			c, ok := rx.PushSeq(data[:n], ts, seq)
			data = data[n:]
			if !ok {
				continue
			}
			if c.Offset < end || len(c.PCM) > (maxConceal+maxFrame)/3+1 {
				t.Fatalf("chunk at %v (%d samples) after end %v", c.Offset, len(c.PCM), end)
			}
			end = c.End()
		}
	})
}
