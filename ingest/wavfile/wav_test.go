package wavfile

import (
	"bytes"
	"encoding/binary"
	"math"
)

// wavSpec describes a WAV to synthesize.
type wavSpec struct {
	tag        uint16
	channels   int
	rate       int
	bits       int
	blockAlign int // 0: computed
	extensible bool
	dataSize   int64 // -1: len(data)
	junkFirst  bool  // a JUNK chunk before fmt
	listAfter  bool  // a LIST chunk between fmt and data
}

func pcmSpec(rate, channels, bits int) wavSpec {
	return wavSpec{tag: 1, channels: channels, rate: rate, bits: bits, dataSize: -1}
}

// build returns the file bytes for spec around the given sample data.
func (s wavSpec) build(data []byte) []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	chunk := func(id string, body []byte) {
		b.WriteString(id)
		binary.Write(&b, le, uint32(len(body)))
		b.Write(body)
		if len(body)%2 == 1 {
			b.WriteByte(0)
		}
	}
	if s.junkFirst {
		chunk("JUNK", make([]byte, 28))
	}
	chunk("fmt ", s.fmtBody())
	if s.listAfter {
		chunk("LIST", append([]byte("INFOISFT"), 6, 0, 0, 0, 'e', 'a', 'r', 's', 'h', 0))
	}
	b.WriteString("data")
	size := s.dataSize
	if size < 0 {
		size = int64(len(data))
	}
	binary.Write(&b, le, uint32(size))
	b.Write(data)
	body := b.Bytes()
	out := append([]byte("RIFF"), le.AppendUint32(nil, uint32(len(body)+4))...)
	out = append(out, "WAVE"...)
	return append(out, body...)
}

func (s wavSpec) fmtBody() []byte {
	le := binary.LittleEndian
	align := s.blockAlign
	if align == 0 {
		align = s.channels * s.bits / 8
	}
	tag := s.tag
	if s.extensible {
		tag = 0xFFFE
	}
	b := le.AppendUint16(nil, tag)
	b = le.AppendUint16(b, uint16(s.channels))
	b = le.AppendUint32(b, uint32(s.rate))
	b = le.AppendUint32(b, uint32(s.rate*align))
	b = le.AppendUint16(b, uint16(align))
	b = le.AppendUint16(b, uint16(s.bits))
	if s.extensible {
		b = le.AppendUint16(b, 22)
		b = le.AppendUint16(b, uint16(s.bits)) // valid bits
		b = le.AppendUint32(b, 0)              // channel mask
		b = le.AppendUint16(b, s.tag)          // SubFormat GUID ...
		b = append(b, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71)
	}
	return b
}

// encodeTone encodes frames of a sine (same in every channel) at the
// given bit depth as little-endian PCM.
func encodeTone(rate, channels, bits int, freq, amp float64, frames int) []byte {
	var b []byte
	for i := range frames {
		v := amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate))
		for range channels {
			b = appendSample(b, bits, v)
		}
	}
	return b
}

func appendSample(b []byte, bits int, v float64) []byte {
	full := float64(int64(1)<<(bits-1)) - 1
	x := int64(math.Round(v * full))
	switch bits {
	case 8:
		return append(b, byte(x+128))
	case 16:
		return binary.LittleEndian.AppendUint16(b, uint16(int16(x)))
	case 24:
		return append(b, byte(x), byte(x>>8), byte(x>>16))
	default:
		return binary.LittleEndian.AppendUint32(b, uint32(int32(x)))
	}
}
