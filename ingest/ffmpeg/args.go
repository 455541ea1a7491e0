package ffmpeg

import (
	"strconv"
	"time"
)

// whitelist is the set of protocols ffmpeg may open for each kind,
// including what the top-level protocol opens underneath (tls under https,
// crypto under encrypted HLS).
var whitelist = map[kind]string{
	kindFile: "file",
	kindHTTP: "http,https,tcp,tls,crypto,hls,httpproxy",
	kindRTMP: "rtmp,rtmps,tcp,tls,httpproxy",
	kindRTSP: "rtsp,rtsps,rtp,srtp,tcp,tls,httpproxy",
	kindSRT:  "srt,udp",
}

// args builds ffmpeg's command line for t read from input (t.input, or
// the same URL pinned to a checked address) with extra input options. No
// shell is involved: every element is one argv entry.
func args(t target, input string, extra []string, timeout time.Duration) []string {
	a := []string{"-nostdin", "-hide_banner", "-loglevel", "error",
		"-protocol_whitelist", whitelist[t.kind]}
	us := strconv.FormatInt(timeout.Microseconds(), 10)
	switch t.kind {
	case kindHTTP:
		// Reconnect a dropped HTTP connection (progressive FLV, long
		// playlists); rw_timeout detects a server that stops sending.
		a = append(a, "-rw_timeout", us, "-reconnect", "1", "-reconnect_streamed", "1",
			"-reconnect_delay_max", "2")
	case kindRTMP, kindSRT:
		a = append(a, "-rw_timeout", us)
	case kindRTSP:
		// -timeout is RTSP's socket I/O timeout. TCP only (interleaved):
		// over UDP the server names where ffmpeg sends RTP/RTCP packets
		// (the Transport header's source= and multicast destination), an
		// address this process has not checked.
		a = append(a, "-timeout", us, "-rtsp_transport", "tcp")
	}
	if t.kind != kindFile {
		// ffmpeg's default 5 s probe delays the first audio of a live
		// stream by 5 s (measured with RTMP); half a second still finds
		// the streams an FLV/TS/RTSP header announces.
		a = append(a, "-analyzeduration", "500000", "-probesize", "131072")
	}
	a = append(a, extra...)
	return append(a,
		"-i", input,
		"-map", "0:a:0", // the first audio stream, or a clear "matches no streams"
		"-vn", "-sn", "-dn",
		"-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", "-f", "s16le",
		// Without it the pipe is written in 32 KiB blocks: a second of audio.
		"-flush_packets", "1",
		"pipe:1")
}
