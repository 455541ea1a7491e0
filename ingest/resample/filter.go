package resample

import "math"

// Filter design constants. The cutoff sits at 45% of the lower of the two
// rates (7.2 kHz when the output is 16 kHz); zeroCrossings sets the filter
// length on each side and, with kaiserBeta, the transition width and
// stop-band depth (about 70 dB).
const (
	cutoffRatio   = 0.45
	zeroCrossings = 24
	kaiserBeta    = 6.8
	// maxPhases bounds the polyphase table. Ratios that need more phases
	// (unusual rates such as 44056 Hz) use the nearest of a fixed set of
	// phases: the timing error stays below 1/(2*maxPhases) of an output
	// sample (phases are scaled down for input faster than the output).
	maxPhases = 1024
	minPhases = 32
)

// bank is a polyphase filter table: phase p holds the taps that produce an
// output sample p/phases of an input sample after input index i0, applied
// to inputs i0-half+1 .. i0+half.
type bank struct {
	phases int
	half   int
	taps   int
	coef   []float32
}

// newBank designs the filter for converting inRate to outRate, where up is
// outRate/g and thus the number of distinct phases an exact table needs.
func newBank(inRate, outRate int, up int64) *bank {
	low := min(inRate, outRate)
	// a is the cutoff as a fraction of the input rate, times two (so that
	// sinc(a*t) has its first zero at 1/a input samples).
	a := 2 * cutoffRatio * float64(low) / float64(inRate)
	hw := zeroCrossings / a
	half := int(math.Ceil(hw))
	phases := int(min(up, int64(max(minPhases, maxPhases*min(outRate, inRate)/inRate))))
	b := &bank{phases: phases, half: half, taps: 2 * half}
	b.coef = make([]float32, phases*b.taps)
	for p := range phases {
		b.designPhase(p, a, hw)
	}
	return b
}

// designPhase fills phase p's taps and normalizes them to unity DC gain.
func (b *bank) designPhase(p int, a, hw float64) {
	frac := float64(p) / float64(b.phases)
	row := b.coef[p*b.taps : (p+1)*b.taps]
	var sum float64
	vals := make([]float64, b.taps)
	for k := range vals {
		t := float64(k-b.half+1) - frac
		vals[k] = a * sinc(a*t) * kaiser(t/hw)
		sum += vals[k]
	}
	for k, v := range vals {
		row[k] = float32(v / sum)
	}
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// kaiser is the Kaiser window at x in [-1, 1], zero outside.
func kaiser(x float64) float64 {
	if x <= -1 || x >= 1 {
		return 0
	}
	return besselI0(kaiserBeta*math.Sqrt(1-x*x)) / besselI0(kaiserBeta)
}

// besselI0 is the zeroth-order modified Bessel function of the first kind,
// by its power series (converges quickly for the betas used here).
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	q := x * x / 4
	for k := 1; k < 64; k++ {
		term *= q / float64(k*k)
		sum += term
		if term < sum*1e-17 {
			break
		}
	}
	return sum
}

// dot is the filter's inner loop: four accumulators let the CPU overlap
// the multiplies. The summation order is fixed, so results are
// reproducible whatever the chunking.
func dot(c, x []float32) float32 {
	x = x[:len(c)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(c); i += 4 {
		s0 += c[i] * x[i]
		s1 += c[i+1] * x[i+1]
		s2 += c[i+2] * x[i+2]
		s3 += c[i+3] * x[i+3]
	}
	for ; i < len(c); i++ {
		s0 += c[i] * x[i]
	}
	return (s0 + s1) + (s2 + s3)
}
