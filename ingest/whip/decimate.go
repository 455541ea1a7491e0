package whip

import "math"

// decimator is a private 48 kHz -> 16 kHz low-pass FIR decimator (3:1),
// used until the shared ingest/resample package is wired in behind the
// downsampler interface. Its Blackman-windowed sinc passes speech up to
// about 6 kHz and attenuates what would fold back below 8 kHz.
type decimator struct {
	taps []float32
	buf  []float32 // the last len(taps)-1 inputs, then new ones
	next int       // index in buf of the newest input of the next output
}

const (
	decimTaps   = 95
	decimCutoff = 7000.0 / clockRate // -6 dB point, cycles per sample
)

func newDownsampler() downsampler {
	return &decimator{taps: lowpass(decimTaps, decimCutoff),
		buf: make([]float32, decimTaps-1, 4096), next: decimTaps - 1}
}

// lowpass designs a unity-gain Blackman-windowed sinc filter.
func lowpass(n int, fc float64) []float32 {
	h := make([]float64, n)
	var sum float64
	mid := float64(n-1) / 2
	for k := range h {
		x := float64(k) - mid
		s := 2 * fc
		if x != 0 {
			s = math.Sin(2*math.Pi*fc*x) / (math.Pi * x)
		}
		w := 0.42 - 0.5*math.Cos(2*math.Pi*float64(k)/float64(n-1)) +
			0.08*math.Cos(4*math.Pi*float64(k)/float64(n-1))
		h[k] = s * w
		sum += h[k]
	}
	taps := make([]float32, n)
	for k := range h {
		taps[k] = float32(h[k] / sum)
	}
	return taps
}

// Downsample appends the 16 kHz output for in to out.
func (d *decimator) Downsample(in, out []int16) []int16 {
	for _, v := range in {
		d.buf = append(d.buf, float32(v))
	}
	n := len(d.taps)
	i := d.next
	for ; i < len(d.buf); i += 3 {
		win := d.buf[i-n+1 : i+1]
		var acc float32
		for k, t := range d.taps {
			acc += t * win[k] // symmetric taps: order does not matter
		}
		out = append(out, clamp16(acc))
	}
	drop := len(d.buf) - (n - 1)
	copy(d.buf, d.buf[drop:])
	d.buf = d.buf[:n-1]
	d.next = i - drop
	return out
}

func clamp16(v float32) int16 {
	switch {
	case v > math.MaxInt16:
		return math.MaxInt16
	case v < math.MinInt16:
		return math.MinInt16
	}
	return int16(math.Round(float64(v)))
}
