package whip

import (
	"math"
	"testing"
)

func sine(freq float64, n int, amp float64) []int16 {
	x := make([]int16, n)
	for i := range x {
		x[i] = int16(amp * math.Sin(2*math.Pi*freq*float64(i)/48000))
	}
	return x
}

// TestDecimator: speech-band tones pass at unity gain, tones that would
// alias below 8 kHz are removed, and chunking does not change the output.
func TestDecimator(t *testing.T) {
	tests := []struct {
		freq     float64
		min, max float64 // output rms / input rms
	}{
		{440, 0.98, 1.02},
		{3000, 0.98, 1.02},
		{5500, 0.9, 1.02},
		{10000, 0, 0.01},
		{15000, 0, 0.001},
	}
	for _, tc := range tests {
		in := sine(tc.freq, 48000, 10000)
		out := newDownsampler().Downsample(in, nil)
		if len(out) != 16000 {
			t.Fatalf("%v Hz: %d samples out, want 16000", tc.freq, len(out))
		}
		g := rms(out[1000:]) / rms(in)
		if g < tc.min || g > tc.max {
			t.Errorf("%v Hz: gain %.4f, want %.4f..%.4f", tc.freq, g, tc.min, tc.max)
		}
	}
	in := sine(440, 4800, 10000)
	whole := newDownsampler().Downsample(in, nil)
	d := newDownsampler()
	var parts []int16
	for _, n := range []int{1, 959, 960, 7, 2873} {
		parts = d.Downsample(in[:n], parts)
		in = in[n:]
	}
	if len(parts) != len(whole) {
		t.Fatalf("chunked %d samples, whole %d", len(parts), len(whole))
	}
	for i := range whole {
		if parts[i] != whole[i] {
			t.Fatalf("sample %d: chunked %d, whole %d", i, parts[i], whole[i])
		}
	}
}

type fakeDecoder struct{ n int }

func (f fakeDecoder) Decode(_ []byte, out []int16) (int, error) {
	for i := range f.n {
		out[i] = 1000
	}
	return f.n, nil
}

type copyDown struct{}

func (copyDown) Downsample(in, out []int16) []int16 {
	for i := 0; i < len(in); i += 3 {
		out = append(out, in[i])
	}
	return out
}

// TestAudioPipeTiming: offsets follow RTP timestamps across loss, wrap,
// reordering leftovers and huge jumps.
func TestAudioPipeTiming(t *testing.T) {
	type pkt struct {
		ts       uint32
		seq      uint16
		wantOff  float64 // ms; -1: no chunk
		wantLen  int
		wantLost uint64
		wantLate uint64
	}
	base := uint32(math.MaxUint32 - 960) // wraps after the first packet
	tests := []pkt{
		{base, 65535, 0, 320, 0, 0},
		{base + 960, 0, 20, 320, 0, 0},
		{base + 3*960, 2, 40, 640, 1, 0}, // one lost: 20 ms of silence first
		{base + 2*960, 1, -1, 0, 1, 1},   // late
		{base + 4*960, 3, 80, 320, 1, 1},
		{base + 4*960 + 48000*10, 4, 10080, 320, 1, 1}, // 10 s jump: skipped, not filled
	}
	p := newAudioPipe(fakeDecoder{960}, copyDown{})
	var st counters
	for i, tc := range tests {
		c, ok := p.push(nil, tc.ts, tc.seq, &st)
		if tc.wantOff < 0 {
			if ok {
				t.Errorf("%d: got a chunk, want none", i)
			}
			continue
		}
		if !ok || c.Offset.Seconds()*1000 != tc.wantOff || len(c.PCM) != tc.wantLen {
			t.Errorf("%d: ok %v offset %v len %d, want %vms %d", i, ok, c.Offset, len(c.PCM), tc.wantOff, tc.wantLen)
		}
		if st.lost.Load() != tc.wantLost || st.late.Load() != tc.wantLate {
			t.Errorf("%d: lost %d late %d", i, st.lost.Load(), st.late.Load())
		}
	}
}
