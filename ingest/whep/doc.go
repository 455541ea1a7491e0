// Package whep pulls live audio from a media server that offers WHEP
// (WebRTC-HTTP Egress Protocol, draft-ietf-wish-whep): the worker is the
// WebRTC client. Run POSTs a recvonly audio SDP offer (with every local
// candidate; no trickle) and an optional bearer token, applies the 201
// answer, receives the Opus track, decodes it to 16 kHz mono through
// ingest/internal/opusrx, and DELETEs the session resource when it stops.
//
// It must never block the RTP read loop on a slow consumer (chunks are
// dropped and counted instead), never apply an answer it has not checked
// (status, content type, size, an audio section with Opus), never log the
// token, and never return from Run with the peer connection or its
// goroutines still alive.
package whep
