// Package ingest turns a broadcast's audio, whatever its origin, into 16 kHz
// mono signed 16-bit PCM with stream-time offsets, and marks where speech
// starts and ends.
//
// Every origin (a WAV file, a WHIP session, an ffmpeg pull) is a Source; each
// kind lives in its own sub-package so that adding one touches one folder.
// Sources never block on what comes after them: the pipeline decides what to
// do with audio it cannot keep up with. A source that receives over a
// network or decodes a compressed stream also reports what the PCM cannot
// show (packet loss, concealment, decode errors) through the optional
// StatsProvider interface.
//
// Sub-packages:
//   - wavfile: Source over a WAV file or uploaded body (integer PCM).
//   - rawpcm: Source over headerless s16le PCM (stdin, ffmpeg pipes).
//   - whip: Source for WebRTC (WHIP) publishers.
//   - whep: Source pulling WebRTC (WHEP) streams from a media server.
//   - ffmpeg: Source pulling RTMP, RTSP, SRT, HLS and HTTP through ffmpeg.
//   - pull: the Source for a URL, one source kind per scheme.
//   - resample: any rate and channel count, int16 or float32, to 16 kHz
//     mono int16, streaming; shared by every Source.
//   - segment: speech start/end events from Chunks (Segmenter interface,
//     energy-based implementation).
//   - ring: the last N seconds of a room's audio by stream time, for alert
//     clips and pre-roll; writes clips as WAV.
//   - internal/pump: fixed-size chunking with exact offsets and wall-clock
//     pacing, shared by Sources.
//   - internal/webrtcaudio and internal/opusrx: the WebRTC audio receive
//     path (pion API, track-to-PCM loop, stats) whip and whep share.
//
// This package must never know about recognizers, rules or alerts.
package ingest
