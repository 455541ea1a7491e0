package whep

import (
	"github.com/earshot/earshot/ingest/internal/webrtcaudio"
	"github.com/pion/webrtc/v4"
)

// onTrack reads the first Opus audio track through the shared receive
// path; the read loop never blocks on emit.
func (sess *session) onTrack(track *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
	if !webrtcaudio.IsOpusAudio(track) {
		sess.src.log.Warn("whep: ignoring track", "kind", track.Kind().String(), "codec", track.Codec().MimeType)
		return
	}
	if !sess.track.CompareAndSwap(false, true) || !sess.startReaders() {
		return
	}
	go func() {
		defer sess.readers.Done()
		if webrtcaudio.ReadRTCP(recv) {
			sess.close(0) // RTCP BYE: the server ended the stream
		}
	}()
	defer sess.readers.Done()
	defer sess.close(0) // track ended: the server stopped sending
	sess.src.log.Debug("whep: track read ended", "err", sess.rx.Run(track))
}
