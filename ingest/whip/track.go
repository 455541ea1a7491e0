package whip

import (
	"errors"
	"io"
	"strings"
	"time"

	"github.com/earshot/earshot/ingest/internal/opusrx"
	"github.com/pion/rtcp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media/samplebuilder"
)

// Reordering: hold at most maxLate packets (1 s of 20 ms frames) or
// maxDelay of media waiting for a missing packet before declaring it lost.
const (
	maxLate  = 50
	maxDelay = 200 * time.Millisecond
)

// onTrack reads the first Opus audio track; anything else is ignored.
func (sess *Session) onTrack(track *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
	codec := track.Codec()
	if track.Kind() != webrtc.RTPCodecTypeAudio || !strings.EqualFold(codec.MimeType, webrtc.MimeTypeOpus) {
		sess.log.Warn("whip: ignoring track", "kind", track.Kind().String(), "codec", codec.MimeType)
		return
	}
	if !sess.track.CompareAndSwap(false, true) || !sess.startReader() {
		return
	}
	if sess.startReader() {
		go sess.readRTCP(recv)
	}
	defer sess.readers.Done()
	sess.log.Info("whip: receiving audio", "codec", codec.MimeType, "ssrc", uint32(track.SSRC()))
	err := sess.readRTP(track)
	if errors.Is(err, io.EOF) {
		sess.end(nil, "track ended")
		return
	}
	sess.end(nil, "track read: "+err.Error())
}

// readRTP is the network read loop. It never blocks on the consumer:
// decoded chunks go to a bounded queue and are dropped (and counted) when
// it is full.
func (sess *Session) readRTP(track *webrtc.TrackRemote) error {
	rx, err := opusrx.New()
	if err != nil {
		return err
	}
	sb := samplebuilder.New(maxLate, &codecs.OpusPacket{}, opusrx.ClockRate,
		samplebuilder.WithMaxTimeDelay(maxDelay), samplebuilder.WithRTPHeaders(true))
	var arrivals [1 << 10]time.Time // by sequence number, for latency
	for {
		pkt, _, err := track.ReadRTP()
		if err != nil {
			return err
		}
		now := time.Now()
		sess.stats.packets.Add(1)
		sess.stats.bytes.Add(uint64(len(pkt.Payload)))
		arrivals[pkt.SequenceNumber%uint16(len(arrivals))] = now
		sb.Push(pkt)
		for smp := sb.Pop(); smp != nil; smp = sb.Pop() {
			seq := pkt.SequenceNumber
			if len(smp.RTPHeaders) > 0 {
				seq = smp.RTPHeaders[0].SequenceNumber
			}
			chunk, ok := rx.PushSeq(smp.Data, smp.PacketTimestamp, seq)
			sess.stats.update(rx.Stats())
			if !ok {
				continue
			}
			sess.enqueue(queued{chunk: chunk, arrived: arrivals[seq%uint16(len(arrivals))]})
		}
	}
}

func (sess *Session) enqueue(q queued) {
	select {
	case sess.queue <- q:
	default:
		if sess.stats.dropped.Add(1)%50 == 1 {
			sess.log.Warn("whip: consumer too slow, dropping audio", "dropped_chunks", sess.stats.dropped.Load())
		}
	}
}

// readRTCP drains RTCP (the interceptors need it read) and treats an RTCP
// BYE as the publisher hanging up.
func (sess *Session) readRTCP(recv *webrtc.RTPReceiver) {
	defer sess.readers.Done()
	for {
		pkts, _, err := recv.ReadRTCP()
		if err != nil {
			return
		}
		for _, p := range pkts {
			if _, ok := p.(*rtcp.Goodbye); ok {
				sess.end(nil, "publisher sent RTCP BYE")
				return
			}
		}
	}
}
