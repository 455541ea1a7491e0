package webrtcaudio

import (
	"sync/atomic"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/internal/opusrx"
)

// Stats count what receivers saw. One Stats may outlive many receivers
// (a WHEP source's sessions add up in its Stats) and is read at any time
// while they write: plain atomics, no allocation per packet.
type Stats struct {
	packets, bytes, dropped  atomic.Uint64
	lost, late, decodeErrors atomic.Uint64
	decoded, concealed       atomic.Int64 // time.Duration
}

// observe adds what one receiver's opusrx counters gained since prev (its
// previous reading), so that several receivers in turn add up.
func (s *Stats) observe(prev *opusrx.Stats, now opusrx.Stats) {
	s.lost.Add(now.Lost - prev.Lost)
	s.late.Add(now.Late - prev.Late)
	s.decodeErrors.Add(now.DecodeErrors - prev.DecodeErrors)
	s.decoded.Add(int64(now.Decoded - prev.Decoded))
	s.concealed.Add(int64(now.Concealed - prev.Concealed))
	*prev = now
}

// Source is the counters as every source reports them
// (ingest.StatsProvider).
func (s *Stats) Source() ingest.SourceStats {
	return ingest.SourceStats{
		Packets: s.packets.Load(), Bytes: s.bytes.Load(),
		PacketsLost: s.lost.Load(), PacketsLate: s.late.Load(), DecodeErrors: s.decodeErrors.Load(),
		ConcealedMs:   time.Duration(s.concealed.Load()).Milliseconds(),
		DroppedChunks: s.dropped.Load(),
	}
}

// Decoded and Concealed are the stream time decoded and filled with
// silence, at full resolution.
func (s *Stats) Decoded() time.Duration   { return time.Duration(s.decoded.Load()) }
func (s *Stats) Concealed() time.Duration { return time.Duration(s.concealed.Load()) }
