package webrtcaudio

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
)

// Config is what a side sets on the API; the zero value suits a client
// (loopback candidates off, any UDP port).
type Config struct {
	// Logger receives pion's logs (LoggerFactory); default discarded.
	Logger *slog.Logger
	// LoopbackCandidates includes 127.0.0.1 candidates (same-host peers
	// and tests).
	LoopbackCandidates bool
	// DisconnectedTimeout, FailedTimeout and KeepaliveInterval are ICE
	// consent timings; defaults 5 s, 10 s, 2 s, so that a vanished peer is
	// noticed within seconds rather than pion's default 30 s.
	DisconnectedTimeout, FailedTimeout, KeepaliveInterval time.Duration
	// NAT1To1IPs are public addresses advertised instead of the host's.
	NAT1To1IPs []string
	// UDPAddr, if set, makes every peer connection share one UDP socket
	// (single-port ICE mux); UDPPortMin and UDPPortMax otherwise bound the
	// ephemeral ports (zero: any).
	UDPAddr                string
	UDPPortMin, UDPPortMax uint16
}

// API is pion's API, built once per server or client: an Opus-only media
// engine, the default interceptors (NACK, RTCP reports), and the ICE
// settings. Every peer connection made from it shares those. Close it to
// release the shared UDP socket, if any.
type API struct {
	api      *webrtc.API
	closeUDP func() error
}

// Opus as every WebRTC browser offers it (RFC 7587; payload type 111 is
// what browsers use, so answers need no remapping).
var opus = webrtc.RTPCodecParameters{
	RTPCodecCapability: webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2,
		SDPFmtpLine: "minptime=10;useinbandfec=1",
	},
	PayloadType: 111,
}

// NewAPI builds the API. Nothing is per session: pion copies the media
// engine and builds the interceptors for each peer connection.
func NewAPI(cfg Config) (*API, error) {
	me := &webrtc.MediaEngine{}
	if err := me.RegisterCodec(opus, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, fmt.Errorf("register opus: %w", err)
	}
	ir := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(me, ir); err != nil {
		return nil, fmt.Errorf("interceptors: %w", err)
	}
	se, closeUDP, err := settingEngine(cfg)
	if err != nil {
		return nil, err
	}
	return &API{
		api:      webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(se)),
		closeUDP: closeUDP,
	}, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func settingEngine(c Config) (webrtc.SettingEngine, func() error, error) {
	log := c.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	se := webrtc.SettingEngine{LoggerFactory: LoggerFactory(log)}
	se.SetIncludeLoopbackCandidate(c.LoopbackCandidates)
	// Media servers and publishers cannot resolve each other's .local
	// names: offer and accept plain addresses.
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetICETimeouts(orDefault(c.DisconnectedTimeout, 5*time.Second), orDefault(c.FailedTimeout, 10*time.Second),
		orDefault(c.KeepaliveInterval, 2*time.Second))
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6})
	closeUDP := func() error { return nil }
	if len(c.NAT1To1IPs) > 0 {
		rule := webrtc.ICEAddressRewriteRule{External: c.NAT1To1IPs, AsCandidateType: webrtc.ICECandidateTypeHost}
		if err := se.SetICEAddressRewriteRules(rule); err != nil {
			return se, nil, fmt.Errorf("NAT 1:1 IPs: %w", err)
		}
	}
	switch {
	case c.UDPAddr != "":
		conn, err := net.ListenPacket("udp", c.UDPAddr)
		if err != nil {
			return se, nil, fmt.Errorf("listen %s: %w", c.UDPAddr, err)
		}
		mux := webrtc.NewICEUDPMux(se.LoggerFactory.NewLogger("udpmux"), conn)
		se.SetICEUDPMux(mux)
		closeUDP = mux.Close
	case c.UDPPortMin != 0 || c.UDPPortMax != 0:
		if err := se.SetEphemeralUDPPortRange(c.UDPPortMin, c.UDPPortMax); err != nil {
			return se, nil, fmt.Errorf("UDP port range: %w", err)
		}
	}
	return se, closeUDP, nil
}

// Close releases the shared UDP socket, if any; peer connections made
// from the API should be closed first.
func (a *API) Close() error { return a.closeUDP() }

// NewRecvOnly makes a peer connection with one receive-only audio
// transceiver: the only media either side ever takes.
func (a *API) NewRecvOnly(iceServers []webrtc.ICEServer) (*webrtc.PeerConnection, *webrtc.RTPTransceiver, error) {
	return a.NewRecvOnlyConfig(webrtc.Configuration{ICEServers: iceServers})
}

// NewRecvOnlyConfig is NewRecvOnly with a whole configuration (fuzz
// targets pass a fixed certificate: generating one per peer connection
// costs more than what they test).
func (a *API) NewRecvOnlyConfig(conf webrtc.Configuration) (*webrtc.PeerConnection, *webrtc.RTPTransceiver, error) {
	pc, err := a.api.NewPeerConnection(conf)
	if err != nil {
		return nil, nil, fmt.Errorf("new peer connection: %w", err)
	}
	tr, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeAudio,
		webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly})
	if err != nil {
		_ = pc.Close()
		return nil, nil, fmt.Errorf("add transceiver: %w", err)
	}
	return pc, tr, nil
}

// SetLocalAndGather applies desc (an offer or an answer) and waits until
// ICE gathering is complete, so the local description carries every
// candidate (neither WHIP nor WHEP sessions here trickle), or until
// timeout (0: none) or ctx ends.
func SetLocalAndGather(ctx context.Context, pc *webrtc.PeerConnection, desc webrtc.SessionDescription, timeout time.Duration) error {
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(desc); err != nil {
		return fmt.Errorf("set local description: %w", err)
	}
	var expired <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	select {
	case <-gathered:
		return nil
	case <-expired:
		return fmt.Errorf("ICE gathering took longer than %v", timeout)
	case <-ctx.Done():
		return ctx.Err()
	}
}
