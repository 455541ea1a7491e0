package whep

import (
	"log/slog"
	"strings"
	"time"

	"github.com/earshot/earshot/ingest/internal/opusrx"
	"github.com/earshot/earshot/ingest/internal/webrtcaudio"
	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media/samplebuilder"
)

// Reordering window: up to 50 packets (1 s of 20 ms frames) or 200 ms of
// media wait for a missing packet before it counts as lost.
const (
	maxLate  = 50
	maxDelay = 200 * time.Millisecond
)

// newAPI builds an Opus-only pion API with the default interceptors (NACK,
// RTCP reports), loopback candidates on (same-host servers and tests) and
// mDNS off (media servers cannot resolve .local names).
func newAPI(log *slog.Logger) (*webrtc.API, error) {
	me := &webrtc.MediaEngine{}
	if err := me.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2,
			SDPFmtpLine: "minptime=10;useinbandfec=1"},
		PayloadType: 111,
	}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	ir := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(me, ir); err != nil {
		return nil, err
	}
	se := webrtc.SettingEngine{LoggerFactory: webrtcaudio.LoggerFactory(log)}
	se.SetIncludeLoopbackCandidate(true)
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	// Notice a vanished server within seconds, not pion's default 30 s.
	se.SetICETimeouts(5*time.Second, 10*time.Second, 2*time.Second)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6})
	return webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(se)), nil
}

// onTrack reads the first Opus audio track; the read loop never blocks on
// emit.
func (sess *session) onTrack(track *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
	if track.Kind() != webrtc.RTPCodecTypeAudio || !strings.EqualFold(track.Codec().MimeType, webrtc.MimeTypeOpus) {
		sess.src.log.Warn("whep: ignoring track", "codec", track.Codec().MimeType)
		return
	}
	if !sess.startReaders() {
		return
	}
	go func() { // interceptors need RTCP read
		defer sess.readers.Done()
		for {
			if _, _, err := recv.ReadRTCP(); err != nil {
				return
			}
		}
	}()
	defer sess.readers.Done()
	defer sess.close(0) // track ended: the server stopped sending
	rx, err := opusrx.New()
	if err != nil {
		sess.src.log.Error("whep: decoder", "err", err)
		return
	}
	sb := samplebuilder.New(maxLate, &codecs.OpusPacket{}, opusrx.ClockRate, samplebuilder.WithMaxTimeDelay(maxDelay))
	for {
		pkt, _, err := track.ReadRTP()
		if err != nil {
			return
		}
		sess.close(2)
		sb.Push(pkt)
		for smp := sb.Pop(); smp != nil; smp = sb.Pop() {
			if c, ok := rx.Push(smp.Data, smp.PacketTimestamp); ok {
				select {
				case sess.queue <- c:
				default:
					sess.dropped.Add(1)
				}
			}
		}
	}
}
