// Package ffmpeg is the ingest Source for pulled streams that ffmpeg can
// read: RTMP/RTMPS, HLS, RTSP/RTSPS, SRT, HTTP-FLV, plain HTTP(S) media and
// local files. It runs one `ffmpeg` subprocess per Run that decodes the
// first audio stream to 16 kHz mono s16le on a pipe, and hands that pipe to
// ingest/rawpcm for chunking with exact stream-time offsets.
//
// Errors are read from ffmpeg's stderr and mapped to sentinel errors
// (ErrUnreachable, ErrNotFound, ErrUnauthorized, ErrInvalidData, ErrNoAudio,
// ErrTimeout, ErrStreamLost) that a room supervisor can show and act on.
//
// This package must never run a shell or pass a URL where ffmpeg could
// read it as an option; must never let a remote playlist reach protocols
// other than the ones its scheme needs (-protocol_whitelist, so an HLS
// playlist cannot point at file:///etc/passwd); must never leave the
// process or its children running after Run returns (the process group is
// killed and reaped); and must never put URL credentials in logs or errors.
package ffmpeg
