package resample

import (
	"fmt"
	"testing"
)

// linear is the naive baseline the benchmarks compare against: downmix,
// then linear interpolation between neighbouring input samples, with no
// low-pass filter (so it aliases). It is not part of the package.
type linear struct {
	inRate, channels int
	pos              float64 // input position of the next output sample
	prev             float32
	mono             []float32
}

func (l *linear) append(dst, in []int16) []int16 {
	l.mono = downmixInt16(l.mono[:0], in, l.channels)
	step := float64(l.inRate) / OutRate
	for l.pos < float64(len(l.mono)) {
		i := int(l.pos)
		frac := float32(l.pos - float64(i))
		a := l.prev
		if i > 0 {
			a = l.mono[i-1]
		}
		b := l.mono[i]
		dst = append(dst, toInt16(a+(b-a)*frac))
		l.pos += step
	}
	l.pos -= float64(len(l.mono))
	l.prev = l.mono[len(l.mono)-1]
	return dst
}

// BenchmarkConvert reports ns per input frame for 20 ms chunks, against
// the linear baseline in the same run.
func BenchmarkConvert(b *testing.B) {
	for _, tc := range []struct{ rate, ch int }{{48000, 2}, {44100, 2}, {8000, 1}} {
		frames := tc.rate / 50
		in := sine(tc.rate, tc.ch, 1000, 0.5, frames)
		out := make([]int16, 0, 1024)
		b.Run(fmt.Sprintf("sinc/%d/%dch", tc.rate, tc.ch), func(b *testing.B) {
			c, _ := New(tc.rate, tc.ch)
			b.ReportAllocs()
			for b.Loop() {
				out, _ = c.AppendInt16(out[:0], in)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*frames), "ns/frame")
		})
		b.Run(fmt.Sprintf("linear/%d/%dch", tc.rate, tc.ch), func(b *testing.B) {
			l := &linear{inRate: tc.rate, channels: tc.ch}
			b.ReportAllocs()
			for b.Loop() {
				out = l.append(out[:0], in)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*frames), "ns/frame")
		})
	}
}
