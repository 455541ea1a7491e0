package testaudio

import (
	"math"
	"testing"
	"time"
)

func TestToneShare(t *testing.T) {
	sine := func(freq float64) []int16 {
		x := make([]int16, 16000)
		for i := range x {
			x[i] = int16(10000 * math.Sin(2*math.Pi*freq*float64(i)/16000))
		}
		return x
	}
	tests := []struct {
		name     string
		x        []int16
		freq     float64
		min, max float64 // share
		amp      float64 // full scale 1, within 0.005
	}{
		{"same tone", sine(440), 440, 0.99, 1.01, 10000.0 / 32768},
		{"other tone", sine(1000), 440, 0, 0.01, 0},
		{"silence", make([]int16, 100), 440, 0, 0, 0},
		{"empty", nil, 440, 0, 0, 0},
	}
	for _, tc := range tests {
		if s := ToneShare(tc.x, tc.freq); s < tc.min || s > tc.max {
			t.Errorf("%s: share %.4f, want %.2f..%.2f", tc.name, s, tc.min, tc.max)
		}
		if a := ToneAmplitude(tc.x, 16000, tc.freq); math.Abs(a-tc.amp) > 0.005 {
			t.Errorf("%s: amplitude %.4f, want %.4f", tc.name, a, tc.amp)
		}
	}
}

func TestOggPackets(t *testing.T) {
	pkts := OggPackets(t, "../../ingest/whip/testdata/tone440.ogg")
	var d time.Duration
	for _, p := range pkts {
		d += p.Duration
	}
	if len(pkts) < 100 || d < 2900*time.Millisecond || d > 3100*time.Millisecond {
		t.Errorf("%d packets, %v: want ~150 packets of 3 s", len(pkts), d)
	}
}
