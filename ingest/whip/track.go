package whip

import (
	"errors"
	"io"

	"github.com/earshot/earshot/ingest/internal/webrtcaudio"
	"github.com/pion/webrtc/v4"
)

// onTrack reads the first Opus audio track through the shared receive
// path; anything else is ignored.
func (sess *Session) onTrack(track *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
	if !webrtcaudio.IsOpusAudio(track) {
		sess.log.Warn("whip: ignoring track", "kind", track.Kind().String(), "codec", track.Codec().MimeType)
		return
	}
	if !sess.track.CompareAndSwap(false, true) || !sess.startReader() {
		return
	}
	if sess.startReader() {
		go sess.readRTCP(recv)
	}
	defer sess.readers.Done()
	sess.log.Info("whip: receiving audio", "codec", track.Codec().MimeType, "ssrc", uint32(track.SSRC()))
	err := sess.rx.Run(track)
	if errors.Is(err, io.EOF) {
		sess.end(nil, "track ended")
		return
	}
	sess.end(nil, "track read: "+err.Error())
}

// readRTCP drains RTCP and treats an RTCP BYE as the publisher hanging up.
func (sess *Session) readRTCP(recv *webrtc.RTPReceiver) {
	defer sess.readers.Done()
	if webrtcaudio.ReadRTCP(recv) {
		sess.end(nil, "publisher sent RTCP BYE")
	}
}
