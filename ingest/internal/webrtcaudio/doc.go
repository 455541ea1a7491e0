// Package webrtcaudio is the WebRTC audio receive path shared by the
// source that takes published streams (ingest/whip, the server side) and
// the one that pulls them (ingest/whep, the client side), as mediamtx
// shares its webrtc protocol package between server and client:
//
//   - API: pion's API built once per server or client (Opus-only media
//     engine, default interceptors, SettingEngine with loopback, mDNS, ICE
//     timings, NAT and UDP settings), receive-only peer connections, and
//     the non-trickle gather step;
//   - Receiver: the track-to-PCM loop (samplebuilder reordering, opusrx
//     decode and concealment, a bounded queue that drops and counts);
//   - Stats: packets, bytes, loss, lateness, decode errors, concealment and
//     drops, adding up over successive sessions (ingest.SourceStats);
//   - LoggerFactory: pion's scoped loggers on the service's slog logger.
//
// It must never know about HTTP signalling (WHIP and WHEP differ there and
// keep it), never block a network read loop on a consumer, and never keep
// per-session state in the API it builds.
package webrtcaudio
