// Package ffmpeg is the ingest Source for pulled streams that ffmpeg can
// read: RTMP/RTMPS, HLS, RTSP/RTSPS, SRT, HTTP-FLV, plain HTTP(S) media and
// local files. It runs one `ffmpeg` subprocess per Run that decodes the
// first audio stream to 16 kHz mono s16le on a pipe, and hands that pipe to
// ingest/rawpcm for chunking with exact stream-time offsets.
//
// Errors are read from ffmpeg's stderr and mapped to sentinel errors
// (ErrUnreachable, ErrNotFound, ErrUnauthorized, ErrInvalidData, ErrNoAudio,
// ErrTimeout, ErrStreamLost) that a room supervisor can show and act on.
// Every failure to reach the far end before any audio is the one neutral
// ErrUnreachable, without ffmpeg's words (they would tell an open port from
// a closed one).
//
// Every Run checks the source against an outbound address policy
// (Options.Guard, internal/netguard; loopback, private and link-local
// addresses are refused unless listed) before ffmpeg starts, and keeps
// ffmpeg to checked addresses: RTMP, RTSP and SRT get the checked address
// instead of the name; HTTP(S), HLS, RTMPS and RTSPS connect through a
// checking proxy, so redirects and playlist entries are checked too (see
// run in guard.go for what remains).
//
// This package must never start ffmpeg for a network source the policy has
// not allowed, never let ffmpeg see a proxy or no_proxy setting of its own
// environment, never run a shell or pass a URL where ffmpeg could
// read it as an option; must never let a remote playlist reach protocols
// other than the ones its scheme needs (-protocol_whitelist, so an HLS
// playlist cannot point at file:///etc/passwd); must never leave the
// process or its children running after Run returns (the process group is
// killed and reaped); and must never put URL credentials in logs or errors.
package ffmpeg
