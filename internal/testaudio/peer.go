package testaudio

import (
	"net"
	"testing"

	"github.com/pion/ice/v4"
	"github.com/pion/logging"
	"github.com/pion/webrtc/v4"
)

// OpusPeer is a pion peer connection on loopback with one Opus track to
// send: a WHIP publisher's or a WHEP server's side in tests.
type OpusPeer struct {
	PC    *webrtc.PeerConnection
	Track *webrtc.TrackLocalStaticSample
	// Conn is the peer's only UDP socket: closing it makes the peer
	// vanish without a goodbye.
	Conn net.PacketConn
}

// NewOpusPeer makes an OpusPeer (loopback candidates, no mDNS, pion's
// logs off). The caller closes PC and Conn.
func NewOpusPeer(t testing.TB) *OpusPeer {
	t.Helper()
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	quiet := &logging.DefaultLoggerFactory{DefaultLogLevel: logging.LogLevelDisabled}
	se.LoggerFactory = quiet
	se.SetICEUDPMux(webrtc.NewICEUDPMux(quiet.NewLogger("mux"), conn))
	me := &webrtc.MediaEngine{}
	if err := me.RegisterDefaultCodecs(); err != nil {
		t.Fatal(err)
	}
	pc, err := webrtc.NewAPI(webrtc.WithSettingEngine(se), webrtc.WithMediaEngine(me)).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	track, err := webrtc.NewTrackLocalStaticSample(
		webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", "earshot")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pc.AddTrack(track); err != nil {
		t.Fatal(err)
	}
	return &OpusPeer{PC: pc, Track: track, Conn: conn}
}
