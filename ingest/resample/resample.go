package resample

import (
	"fmt"
	"math"
	"time"

	"github.com/earshot/earshot/ingest"
)

// OutRate is the rate of every Converter's output.
const OutRate = ingest.SampleRate

// Accepted input ranges. They cover telephone (8 kHz) to studio (192 kHz)
// audio with margin, and bound the filter's size.
const (
	MinRate     = 1000
	MaxRate     = 384000
	MaxChannels = 64
)

// Converter turns interleaved PCM at one rate and channel count into
// 16 kHz mono int16, keeping filter state across calls.
type Converter struct {
	inRate   int
	channels int
	up, down int64 // output/input rate ratio up/down, in lowest terms
	bank     *bank // nil when inRate == OutRate

	hist []float32 // mono input; hist[0] is input sample number base
	base int64
	in   int64 // mono input samples received
	next int64 // number of the next output sample
	mono []float32
}

// Check reports whether New accepts inRate and channels, without building
// the filter (which costs milliseconds at unusual rates).
func Check(inRate, channels int) error {
	if inRate < MinRate || inRate > MaxRate {
		return fmt.Errorf("resample: input rate %d Hz outside %d..%d", inRate, MinRate, MaxRate)
	}
	if channels < 1 || channels > MaxChannels {
		return fmt.Errorf("resample: %d channels outside 1..%d", channels, MaxChannels)
	}
	return nil
}

// New returns a Converter for interleaved input at inRate Hz with the
// given number of channels.
func New(inRate, channels int) (*Converter, error) {
	if err := Check(inRate, channels); err != nil {
		return nil, err
	}
	g := gcd(int64(inRate), OutRate)
	c := &Converter{inRate: inRate, channels: channels, up: OutRate / g, down: int64(inRate) / g}
	if inRate != OutRate {
		c.bank = newBank(inRate, OutRate, c.up)
	}
	c.reset()
	return c, nil
}

// Convert converts a whole buffer in one call: New, AppendInt16, Flush.
func Convert(inRate, channels int, interleaved []int16) ([]int16, error) {
	c, err := New(inRate, channels)
	if err != nil {
		return nil, err
	}
	out, err := c.AppendInt16(make([]int16, 0, c.OutLen(int64(len(interleaved)/channels))), interleaved)
	if err != nil {
		return nil, err
	}
	return c.Flush(out), nil
}

// InRate is the input sample rate in Hz.
func (c *Converter) InRate() int { return c.inRate }

// Channels is the number of interleaved input channels.
func (c *Converter) Channels() int { return c.channels }

// Delay is how much input the Converter holds back before it can produce
// the matching output (the filter's look-ahead); Flush releases it.
func (c *Converter) Delay() time.Duration {
	if c.bank == nil {
		return 0
	}
	return time.Duration(c.bank.half) * time.Second / time.Duration(c.inRate)
}

// OutLen is the number of output samples that inFrames input frames
// produce in total (after Flush): ceil(inFrames * 16000 / inRate).
func (c *Converter) OutLen(inFrames int64) int64 {
	return (inFrames*c.up + c.down - 1) / c.down
}

// AppendInt16 converts interleaved signed 16-bit samples and appends the
// output that is ready to dst. len(interleaved) must be a multiple of
// Channels.
func (c *Converter) AppendInt16(dst, interleaved []int16) ([]int16, error) {
	if err := c.checkFrames(len(interleaved)); err != nil {
		return dst, err
	}
	if c.bank == nil && c.channels == 1 {
		c.in += int64(len(interleaved))
		c.next = c.in
		return append(dst, interleaved...), nil
	}
	c.mono = downmixInt16(c.mono[:0], interleaved, c.channels)
	return c.push(dst), nil
}

// AppendFloat32 converts interleaved float samples (full scale ±1, as
// decoders such as Opus produce) and appends the output that is ready to
// dst. Values beyond full scale are clipped; NaN counts as silence.
func (c *Converter) AppendFloat32(dst []int16, interleaved []float32) ([]int16, error) {
	if err := c.checkFrames(len(interleaved)); err != nil {
		return dst, err
	}
	c.mono = downmixFloat32(c.mono[:0], interleaved, c.channels)
	return c.push(dst), nil
}

// Flush appends the output still held back by the filter, as if the
// input were followed by silence, so that the total output length is
// OutLen of the total input. The Converter is then reset for a new stream.
func (c *Converter) Flush(dst []int16) []int16 {
	if c.bank != nil {
		want := c.OutLen(c.in)
		pad := make([]float32, c.bank.half+1)
		c.hist = append(c.hist, pad...)
		dst = c.produce(dst, want)
	}
	c.reset()
	return dst
}

func (c *Converter) reset() {
	c.in, c.next, c.base = 0, 0, 0
	c.hist = c.hist[:0]
	if c.bank != nil {
		// Input before the stream is silence: the first outputs' filters
		// reach back half a filter length.
		c.base = -int64(c.bank.half)
		c.hist = append(c.hist, make([]float32, c.bank.half)...)
	}
}

func (c *Converter) checkFrames(n int) error {
	if n%c.channels != 0 {
		return fmt.Errorf("resample: %d samples is not a whole number of %d-channel frames", n, c.channels)
	}
	return nil
}

// push takes c.mono as new input and appends what can be produced.
func (c *Converter) push(dst []int16) []int16 {
	c.in += int64(len(c.mono))
	if c.bank == nil {
		for _, v := range c.mono {
			dst = append(dst, toInt16(v))
		}
		c.next = c.in
		return dst
	}
	c.hist = append(c.hist, c.mono...)
	dst = c.produce(dst, math.MaxInt64)
	c.compact()
	return dst
}

// produce appends output samples while their filter's input is in hist,
// up to output number limit.
func (c *Converter) produce(dst []int16, limit int64) []int16 {
	b := c.bank
	avail := c.base + int64(len(c.hist))
	for c.next < limit {
		i0, p := c.position(c.next)
		if i0+int64(b.half) >= avail {
			break
		}
		start := int(i0 - int64(b.half) + 1 - c.base)
		dst = append(dst, toInt16(dot(b.coef[p*b.taps:(p+1)*b.taps], c.hist[start:])))
		c.next++
	}
	return dst
}

// position maps output sample n to the input sample i0 at or before it and
// the filter phase for the fraction in between.
func (c *Converter) position(n int64) (int64, int) {
	pos := n * c.down
	i0, r := pos/c.up, pos%c.up
	phases := int64(c.bank.phases)
	p := (r*phases + c.up/2) / c.up
	if phases == c.up {
		p = r
	}
	if p == phases {
		i0, p = i0+1, 0
	}
	return i0, int(p)
}

// compact drops input that no future output needs.
func (c *Converter) compact() {
	i0, _ := c.position(c.next)
	keep := i0 - int64(c.bank.half) + 1 - c.base
	if keep <= 0 || keep < int64(len(c.hist))/2 {
		return
	}
	n := copy(c.hist, c.hist[keep:])
	c.hist = c.hist[:n]
	c.base += keep
}

func downmixInt16(dst []float32, in []int16, ch int) []float32 {
	if ch == 1 {
		for _, v := range in {
			dst = append(dst, float32(v)*(1.0/32768))
		}
		return dst
	}
	scale := 1 / (32768 * float32(ch))
	for i := 0; i < len(in); i += ch {
		var s float32
		for _, v := range in[i : i+ch] {
			s += float32(v)
		}
		dst = append(dst, s*scale)
	}
	return dst
}

func downmixFloat32(dst []float32, in []float32, ch int) []float32 {
	scale := 1 / float32(ch)
	for i := 0; i < len(in); i += ch {
		var s float32
		for _, v := range in[i : i+ch] {
			if v == v { // skip NaN
				s += v
			}
		}
		dst = append(dst, s*scale)
	}
	return dst
}

// toInt16 scales a ±1 float to int16, rounding to nearest and clipping.
func toInt16(v float32) int16 {
	x := float64(v) * 32768
	switch {
	case x >= 32767:
		return 32767
	case x <= -32768:
		return -32768
	case x != x:
		return 0
	}
	return int16(math.Round(x))
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
