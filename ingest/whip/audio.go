package whip

import (
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/pion/opus"
)

// Opus on WebRTC always uses a 48 kHz RTP clock (RFC 7587 Section 4.1).
const (
	clockRate = 48000
	// maxFrame is the longest Opus packet (120 ms) at 48 kHz.
	maxFrame = clockRate * 120 / 1000
	// maxConceal bounds the silence inserted for one gap; longer gaps
	// (a paused publisher, a timestamp jump) advance stream time without
	// emitting samples.
	maxConceal = clockRate
)

// opusDecoder decodes one Opus packet to 48 kHz mono int16 and returns the
// number of samples written.
type opusDecoder interface {
	Decode(packet []byte, out []int16) (int, error)
}

// downsampler turns 48 kHz mono into 16 kHz mono, keeping its filter state
// between calls, and appends the result to out. It is the seam where the
// shared ingest/resample Converter can replace the private decimator.
type downsampler interface {
	Downsample(in, out []int16) []int16
}

type pionDecoder struct{ d opus.Decoder }

// newOpusDecoder returns the pure-Go pion/opus decoder (SILK, CELT and
// hybrid modes), mono at 48 kHz.
func newOpusDecoder() opusDecoder {
	d, err := opus.NewDecoderWithOutput(clockRate, 1)
	if err != nil {
		panic("whip: pion/opus rejects 48 kHz mono: " + err.Error()) // constant arguments
	}
	return &pionDecoder{d: d}
}

func (p *pionDecoder) Decode(packet []byte, out []int16) (int, error) {
	return p.d.DecodeToInt16(packet, out)
}

// audioPipe turns Opus packets in RTP order into chunks with stream-time
// offsets taken from RTP timestamps: stream time 0 is the first packet.
type audioPipe struct {
	dec opusDecoder
	ds  downsampler

	started bool
	lastTS  uint32
	lastSeq uint16
	pos     int64 // unwrapped RTP timestamp of the latest packet, from 0
	next    int64 // 48 kHz position just after the decoded audio
	out16   int64 // 16 kHz samples of stream time accounted for
	buf     []int16
}

func newAudioPipe(dec opusDecoder, ds downsampler) *audioPipe {
	return &audioPipe{dec: dec, ds: ds, buf: make([]int16, maxConceal+maxFrame)}
}

// push decodes one packet; ok is false when it produced no audio.
func (p *audioPipe) push(payload []byte, ts uint32, seq uint16, st *counters) (ingest.Chunk, bool) {
	p.advance(ts, seq, st)
	if p.pos < p.next {
		st.late.Add(1)
		return ingest.Chunk{}, false
	}
	gap := p.pos - p.next
	if gap > maxConceal {
		p.out16 += gap / 3 // skip stream time, emit nothing for it
		p.next, gap = p.pos, 0
	}
	n, err := p.dec.Decode(payload, p.buf[gap:])
	if err != nil || n == 0 {
		st.decodeErrs.Add(1)
		return ingest.Chunk{}, false // the next packet's gap covers this one
	}
	clear(p.buf[:gap])
	st.concealed48.Add(uint64(gap))
	st.decoded48.Add(uint64(n))
	p.next = p.pos + int64(n)
	pcm := p.ds.Downsample(p.buf[:int(gap)+n], make([]int16, 0, (int(gap)+n)/3+1))
	c := ingest.Chunk{Offset: time.Duration(p.out16) * time.Second / ingest.SampleRate, PCM: pcm}
	p.out16 += int64(len(pcm))
	return c, len(pcm) > 0
}

// advance unwraps the 32-bit RTP timestamp and counts sequence gaps.
func (p *audioPipe) advance(ts uint32, seq uint16, st *counters) {
	if !p.started {
		p.started, p.lastTS, p.lastSeq = true, ts, seq
		return
	}
	p.pos += int64(int32(ts - p.lastTS))
	p.lastTS = ts
	if d := seq - p.lastSeq; d < 0x8000 {
		if d > 1 {
			st.lost.Add(uint64(d - 1))
		}
		p.lastSeq = seq
	}
}
