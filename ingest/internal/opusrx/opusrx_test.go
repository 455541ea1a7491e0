package opusrx

import (
	"math"
	"testing"
	"time"
)

type constDecoder struct{ n int }

func (f constDecoder) Decode(_ []byte, out []int16) (int, error) {
	for i := range f.n {
		out[i] = 1000
	}
	return f.n, nil
}

// TestTiming: offsets stay contiguous and follow RTP time across loss,
// wrap, a late packet and a long jump.
func TestTiming(t *testing.T) {
	base := uint32(math.MaxUint32 - 960)
	tss := []struct {
		ts      uint32
		late    bool
		wantEnd time.Duration // stream time after this packet (minus resampler delay)
	}{
		{base, false, 20 * time.Millisecond},
		{base + 960, false, 40 * time.Millisecond},
		{base + 3*960, false, 80 * time.Millisecond}, // one lost: 20 ms of silence
		{base + 2*960, true, 80 * time.Millisecond},
		{base + 4*960 + 48000*10, false, 10*time.Second + 100*time.Millisecond},
	}
	r, err := NewWith(constDecoder{960})
	if err != nil {
		t.Fatal(err)
	}
	var end time.Duration
	for i, tc := range tss {
		c, ok := r.Push(nil, tc.ts)
		if ok {
			if c.Offset < end {
				t.Errorf("%d: offset %v before previous end %v", i, c.Offset, end)
			}
			end = c.End()
		}
		if tc.late && ok {
			t.Errorf("%d: late packet produced audio", i)
		}
		// The resampler holds back a few ms; allow for it.
		if d := tc.wantEnd - end; !tc.late && (d < 0 || d > 10*time.Millisecond) {
			t.Errorf("%d: stream end %v, want about %v", i, end, tc.wantEnd)
		}
	}
	st := r.Stats()
	if st.Late != 1 || st.Concealed != 20*time.Millisecond || st.Packets != 5 {
		t.Errorf("stats %+v", st)
	}
}

// TestLossAndLate: PushSeq counts skipped sequence numbers across the
// 16-bit wrap, a late packet counts as late and not as lost, and a 10 s
// timestamp jump with consecutive sequence numbers loses nothing.
func TestLossAndLate(t *testing.T) {
	base := uint32(math.MaxUint32 - 960) // wraps after the first packet
	tests := []struct {
		ts                 uint32
		seq                uint16
		wantChunk          bool
		wantLost, wantLate uint64
	}{
		{base, 65535, true, 0, 0},
		{base + 960, 0, true, 0, 0},
		{base + 3*960, 2, true, 1, 0},  // one lost: 20 ms of silence first
		{base + 2*960, 1, false, 1, 1}, // late
		{base + 4*960, 3, true, 1, 1},
		{base + 4*960 + 48000*10, 4, true, 1, 1}, // 10 s jump: skipped, not filled
	}
	r, err := NewWith(constDecoder{960})
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range tests {
		_, ok := r.PushSeq(nil, tc.ts, tc.seq)
		if ok != tc.wantChunk {
			t.Errorf("%d: chunk %v, want %v", i, ok, tc.wantChunk)
		}
		if st := r.Stats(); st.Lost != tc.wantLost || st.Late != tc.wantLate {
			t.Errorf("%d: lost %d late %d, want %d %d", i, st.Lost, st.Late, tc.wantLost, tc.wantLate)
		}
	}
}
