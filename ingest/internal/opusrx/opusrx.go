package opusrx

import (
	"fmt"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/resample"
	"github.com/pion/opus"
)

// Opus over RTP always uses a 48 kHz clock (RFC 7587 Section 4.1).
const (
	ClockRate = 48000
	maxFrame  = ClockRate * 120 / 1000 // the longest Opus packet
	// maxConceal bounds the silence inserted for one gap; a longer gap (a
	// paused sender, a timestamp jump) skips stream time instead.
	maxConceal = ClockRate
)

// Decoder decodes one Opus packet to 48 kHz mono int16.
type Decoder interface {
	Decode(packet []byte, out []int16) (int, error)
}

type pionDecoder struct{ d opus.Decoder }

func (p *pionDecoder) Decode(packet []byte, out []int16) (int, error) {
	return p.d.DecodeToInt16(packet, out)
}

// Stats count what a Receiver saw.
type Stats struct {
	Packets, Late, DecodeErrors uint64
	Lost                        uint64        // sequence-number gaps; only counted by PushSeq
	Decoded, Concealed          time.Duration // 48 kHz stream time
}

// Receiver decodes one track. Not safe for concurrent use.
type Receiver struct {
	dec  Decoder
	conv *resample.Converter

	started bool
	lastTS  uint32
	seqSeen bool
	lastSeq uint16
	pos     int64 // unwrapped RTP timestamp of the latest packet, from 0
	next    int64 // 48 kHz position just after the decoded audio
	out16   int64 // 16 kHz samples of stream time accounted for
	buf     []int16
	stats   Stats
}

// New returns a Receiver using the pure-Go pion/opus decoder.
func New() (*Receiver, error) {
	d, err := opus.NewDecoderWithOutput(ClockRate, 1)
	if err != nil {
		return nil, fmt.Errorf("opusrx: opus decoder: %w", err)
	}
	return NewWith(&pionDecoder{d: d})
}

// NewWith returns a Receiver using dec (tests, or libopus).
func NewWith(dec Decoder) (*Receiver, error) {
	conv, err := resample.New(ClockRate, 1)
	if err != nil {
		return nil, fmt.Errorf("opusrx: %w", err)
	}
	return &Receiver{dec: dec, conv: conv, buf: make([]int16, maxConceal+maxFrame)}, nil
}

// Push decodes one payload with RTP timestamp ts; ok is false when it gave
// no audio (late, undecodable, or still inside the resampler's delay).
func (r *Receiver) Push(payload []byte, ts uint32) (c ingest.Chunk, ok bool) {
	r.stats.Packets++
	r.advance(ts)
	if r.pos < r.next {
		r.stats.Late++
		return c, false
	}
	gap := r.pos - r.next
	if gap > maxConceal {
		r.out16 += gap / 3 // skip stream time, emit nothing for it
		r.next, gap = r.pos, 0
	}
	n, err := r.dec.Decode(payload, r.buf[gap:])
	if err != nil || n <= 0 {
		r.stats.DecodeErrors++
		return c, false // the next packet's gap covers this one
	}
	clear(r.buf[:gap])
	r.stats.Concealed += samples48(gap)
	r.stats.Decoded += samples48(int64(n))
	r.next = r.pos + int64(n)
	pcm, err := r.conv.AppendInt16(make([]int16, 0, (int(gap)+n)/3+1), r.buf[:int(gap)+n])
	if err != nil || len(pcm) == 0 {
		return c, false
	}
	c = ingest.Chunk{Offset: time.Duration(r.out16) * time.Second / ingest.SampleRate, PCM: pcm}
	r.out16 += int64(len(pcm))
	return c, true
}

// PushSeq is Push for callers that keep each payload's RTP sequence
// number (samplebuilder.WithRTPHeaders): sequence numbers skipped count
// in Stats.Lost. A packet older than the newest seen counts nothing.
func (r *Receiver) PushSeq(payload []byte, ts uint32, seq uint16) (ingest.Chunk, bool) {
	if !r.seqSeen {
		r.seqSeen, r.lastSeq = true, seq
	} else if d := seq - r.lastSeq; d < 0x8000 { // ahead, modulo wrap
		if d > 1 {
			r.stats.Lost += uint64(d - 1)
		}
		r.lastSeq = seq
	}
	return r.Push(payload, ts)
}

// Stats returns the counters so far.
func (r *Receiver) Stats() Stats { return r.stats }

func (r *Receiver) advance(ts uint32) {
	if !r.started {
		r.started, r.lastTS = true, ts
		return
	}
	r.pos += int64(int32(ts - r.lastTS))
	r.lastTS = ts
}

func samples48(n int64) time.Duration { return time.Duration(n) * time.Second / ClockRate }
