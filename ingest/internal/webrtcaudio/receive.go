package webrtcaudio

import (
	"log/slog"
	"strings"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media/samplebuilder"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/internal/opusrx"
)

// Reordering: hold at most maxLate packets (1 s of 20 ms frames) or
// maxDelay of media waiting for a missing packet before declaring it lost.
const (
	maxLate  = 50
	maxDelay = 200 * time.Millisecond
)

// IsOpusAudio reports whether track is the audio the receive path decodes;
// anything else (video, another codec) is to be ignored.
func IsOpusAudio(track *webrtc.TrackRemote) bool {
	return track.Kind() == webrtc.RTPCodecTypeAudio && strings.EqualFold(track.Codec().MimeType, webrtc.MimeTypeOpus)
}

// Item is a decoded chunk and the arrival time of the newest RTP packet
// in it (for latency measurements).
type Item struct {
	Chunk   ingest.Chunk
	Arrived time.Time
}

// Receiver turns one session's Opus track into 16 kHz chunks on a bounded
// queue. The consumer reads C; when it falls behind, chunks are dropped
// and counted, never buffered without bound and never allowed to block
// the network read loop.
type Receiver struct {
	queue chan Item
	stats *Stats
	log   *slog.Logger
	// OnPacket, if set, is called for every RTP packet read (e.g. to note
	// that audio started); it must not block.
	OnPacket func()
}

// NewReceiver makes a receiver whose queue holds queueLen chunks and whose
// counts go to stats (which may be shared by successive receivers).
func NewReceiver(queueLen int, stats *Stats, log *slog.Logger) *Receiver {
	return &Receiver{queue: make(chan Item, queueLen), stats: stats, log: log}
}

// C is the queue of decoded chunks.
func (r *Receiver) C() <-chan Item { return r.queue }

// Run is the network read loop of track: RTP -> samplebuilder reordering
// -> opusrx (decode, silence for loss, 16 kHz) -> queue. It returns the
// track's read error (io.EOF when the sender ended it).
func (r *Receiver) Run(track *webrtc.TrackRemote) error {
	dp, err := r.newDepacketizer()
	if err != nil {
		return err
	}
	for {
		pkt, _, err := track.ReadRTP()
		if err != nil {
			return err
		}
		if r.OnPacket != nil {
			r.OnPacket()
		}
		dp.push(pkt, time.Now())
	}
}

// depacketizer is the per-packet part of Run, apart from the track so
// that FuzzRTP can feed it any packet.
type depacketizer struct {
	r        *Receiver
	rx       *opusrx.Receiver
	sb       *samplebuilder.SampleBuilder
	seq      seqGuard
	arrivals [1 << 10]time.Time // by sequence number, for latency
	seen     opusrx.Stats
}

func (r *Receiver) newDepacketizer() (*depacketizer, error) {
	rx, err := opusrx.New()
	if err != nil {
		return nil, err
	}
	sb := samplebuilder.New(maxLate, &codecs.OpusPacket{}, opusrx.ClockRate,
		samplebuilder.WithMaxTimeDelay(maxDelay), samplebuilder.WithRTPHeaders(true))
	return &depacketizer{r: r, rx: rx, sb: sb}, nil
}

// push takes one packet that arrived at now and offers what it completes.
func (d *depacketizer) push(pkt *rtp.Packet, now time.Time) {
	r := d.r
	r.stats.packets.Add(1)
	r.stats.bytes.Add(uint64(len(pkt.Payload)))
	seq, ok := d.seq.admit(pkt.SequenceNumber)
	if !ok {
		return
	}
	pkt.SequenceNumber = seq
	d.arrivals[seq%uint16(len(d.arrivals))] = now
	d.sb.Push(pkt)
	for smp := d.sb.Pop(); smp != nil; smp = d.sb.Pop() {
		seq := pkt.SequenceNumber
		if len(smp.RTPHeaders) > 0 {
			seq = smp.RTPHeaders[0].SequenceNumber
		}
		chunk, ok := d.rx.PushSeq(smp.Data, smp.PacketTimestamp, seq)
		r.stats.observe(&d.seen, d.rx.Stats())
		if ok {
			r.offer(Item{Chunk: chunk, Arrived: d.arrivals[seq%uint16(len(d.arrivals))]})
		}
	}
}

func (r *Receiver) offer(it Item) {
	select {
	case r.queue <- it:
	default:
		if n := r.stats.dropped.Add(1); n%50 == 1 {
			r.log.Warn("consumer too slow, dropping audio", "dropped_chunks", n)
		}
	}
}

// ReadRTCP drains recv's RTCP (the interceptors need it read) until the
// receiver closes; it reports whether the sender said goodbye (RTCP BYE),
// which means it hung up.
func ReadRTCP(recv *webrtc.RTPReceiver) (bye bool) {
	for {
		pkts, _, err := recv.ReadRTCP()
		if err != nil {
			return false
		}
		for _, p := range pkts {
			if _, ok := p.(*rtcp.Goodbye); ok {
				return true
			}
		}
	}
}
