package resample

import (
	"math"
	"slices"
	"testing"

	"github.com/earshot/earshot/internal/testaudio"
)

// sine makes frames of an interleaved tone: every channel carries it.
func sine(rate, channels int, freq, amp float64, frames int) []int16 {
	out := make([]int16, 0, frames*channels)
	for i := range frames {
		v := int16(math.Round(amp * 32767 * math.Sin(2*math.Pi*freq*float64(i)/float64(rate))))
		for range channels {
			out = append(out, v)
		}
	}
	return out
}

// rms is the root mean square (full scale 1) of x.
func rms(x []int16) float64 {
	var s float64
	for _, v := range x {
		f := float64(v) / 32768
		s += f * f
	}
	return math.Sqrt(s / float64(len(x)))
}

// zeroCrossingFreq estimates a tone's frequency from its rising zero
// crossings.
func zeroCrossingFreq(x []int16, rate int) float64 {
	first, last, n := -1, -1, 0
	for i := 1; i < len(x); i++ {
		if x[i-1] < 0 && x[i] >= 0 {
			if first < 0 {
				first = i
			} else {
				n++
			}
			last = i
		}
	}
	return float64(n) * float64(rate) / float64(last-first)
}

func TestToneKeepsFrequencyAndAmplitude(t *testing.T) {
	tests := []struct {
		name     string
		rate, ch int
	}{
		{"8k mono", 8000, 1},
		{"11025 mono", 11025, 1},
		{"16k mono passthrough", 16000, 1},
		{"16k stereo", 16000, 2},
		{"22050 stereo", 22050, 2},
		{"44.1k stereo", 44100, 2},
		{"48k mono", 48000, 1},
		{"48k 6ch", 48000, 6},
		{"96k mono", 96000, 1},
		{"192k stereo", 192000, 2},
		{"odd 44056", 44056, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := sine(tc.rate, tc.ch, 1000, 0.5, tc.rate) // 1 s
			out, err := Convert(tc.rate, tc.ch, in)
			if err != nil {
				t.Fatal(err)
			}
			if want := OutRate; len(out) != want {
				t.Fatalf("got %d samples, want %d", len(out), want)
			}
			mid := out[2000:14000] // skip edges where the stream starts and ends
			if f := zeroCrossingFreq(mid, OutRate); math.Abs(f-1000) > 1 {
				t.Errorf("frequency %.2f Hz, want 1000", f)
			}
			if a := testaudio.ToneAmplitude(mid, OutRate, 1000); math.Abs(20*math.Log10(a/0.5)) > 0.05 {
				t.Errorf("amplitude %.4f, want 0.5 (±0.05 dB)", a)
			}
		})
	}
}

// TestAliasing feeds tones above the output Nyquist frequency (and one in
// the transition band) at 48 kHz: what comes out must be far below them.
func TestAliasing(t *testing.T) {
	tests := []struct {
		freq    float64
		maxGain float64 // dB
	}{
		{7000, -1},  // transition band: attenuated a little
		{8000, -40}, // at Nyquist
		{9000, -65}, // would alias to 7 kHz
		{12000, -65},
		{15000, -65}, // would alias to 1 kHz
		{20000, -65},
	}
	for _, tc := range tests {
		in := sine(48000, 1, tc.freq, 0.9, 48000)
		out, err := Convert(48000, 1, in)
		if err != nil {
			t.Fatal(err)
		}
		gain := 20 * math.Log10(rms(out[1000:15000])/(0.9/math.Sqrt2))
		t.Logf("%5.0f Hz: %6.1f dB", tc.freq, gain)
		if gain > tc.maxGain {
			t.Errorf("%.0f Hz tone passes at %.1f dB, want <= %.0f dB", tc.freq, gain, tc.maxGain)
		}
	}
}

// TestPassBandFlat checks speech frequencies come through at full level.
func TestPassBandFlat(t *testing.T) {
	for _, f := range []float64{100, 300, 1000, 3000, 5000, 6000} {
		out, err := Convert(44100, 1, sine(44100, 1, f, 0.5, 44100))
		if err != nil {
			t.Fatal(err)
		}
		if a := testaudio.ToneAmplitude(out[2000:14000], OutRate, f); math.Abs(20*math.Log10(a/0.5)) > 0.1 {
			t.Errorf("%.0f Hz: amplitude %.4f, want 0.5 (±0.1 dB)", f, a)
		}
	}
}

func TestChunkedEqualsWhole(t *testing.T) {
	for _, rate := range []int{8000, 16000, 44100, 48000, 44056} {
		in := sine(rate, 2, 440, 0.7, rate/2)
		whole, err := Convert(rate, 2, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, frames := range []int{1, 7, 160, 441, 960, 10000} {
			c, _ := New(rate, 2)
			var got []int16
			for rest := in; len(rest) > 0; {
				n := min(frames*2, len(rest))
				if got, err = c.AppendInt16(got, rest[:n]); err != nil {
					t.Fatal(err)
				}
				rest = rest[n:]
			}
			got = c.Flush(got)
			if !slices.Equal(got, whole) {
				t.Errorf("rate %d, %d-frame chunks: output differs from whole-buffer output", rate, frames)
			}
		}
	}
}

func TestFloat32MatchesInt16(t *testing.T) {
	in := sine(48000, 2, 1000, 0.5, 4800)
	f := make([]float32, len(in))
	for i, v := range in {
		f[i] = float32(v) / 32768
	}
	a, _ := New(48000, 2)
	b, _ := New(48000, 2)
	x, _ := a.AppendInt16(nil, in)
	y, err := b.AppendFloat32(nil, f)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Flush(x), b.Flush(y)) {
		t.Error("float32 and int16 paths differ")
	}
}

func TestFloat32ClipsAndIgnoresNaN(t *testing.T) {
	c, _ := New(16000, 1)
	out, _ := c.AppendFloat32(nil, []float32{2, -2, float32(math.NaN()), 0.5})
	if want := []int16{32767, -32768, 0, 16384}; !slices.Equal(out, want) {
		t.Errorf("got %v, want %v", out, want)
	}
}

func TestStereoDownmixCancelsOppositePhase(t *testing.T) {
	in := sine(48000, 2, 1000, 0.5, 4800)
	for i := 1; i < len(in); i += 2 {
		in[i] = -in[i]
	}
	out, _ := Convert(48000, 2, in)
	if r := rms(out); r > 1e-4 {
		t.Errorf("rms %.6f, want ~0", r)
	}
}

func TestNewRejects(t *testing.T) {
	for _, tc := range []struct{ rate, ch int }{{0, 1}, {999, 1}, {384001, 1}, {16000, 0}, {16000, 65}, {-1, -1}} {
		if _, err := New(tc.rate, tc.ch); err == nil {
			t.Errorf("New(%d, %d) accepted", tc.rate, tc.ch)
		}
	}
	c, _ := New(48000, 2)
	if _, err := c.AppendInt16(nil, []int16{1, 2, 3}); err == nil {
		t.Error("accepted a partial frame")
	}
}

func TestOutLenAndDelay(t *testing.T) {
	c, _ := New(44100, 1)
	if n := c.OutLen(44100); n != 16000 {
		t.Errorf("OutLen(44100) = %d", n)
	}
	if n := c.OutLen(1); n != 1 {
		t.Errorf("OutLen(1) = %d", n)
	}
	if d := c.Delay(); d <= 0 || d > 5e6 {
		t.Errorf("Delay = %v", d)
	}
}
