// Package whep pulls live audio from a media server that offers WHEP
// (WebRTC-HTTP Egress Protocol, draft-ietf-wish-whep): the worker is the
// WebRTC client. Run POSTs a recvonly audio SDP offer (with every local
// candidate; no trickle) and an optional bearer token, applies the 201
// answer, receives the Opus track through the WebRTC audio receive path it
// shares with ingest/whip (ingest/internal/webrtcaudio: reordering, Opus
// decode, 16 kHz, loss and decode-error counts in SourceStats), and DELETEs
// the session resource when it stops. A Client holds the pion API, built
// once and shared by every Source of a process (Options.Client), not once
// per session.
//
// Every Run checks the endpoint against an outbound address policy
// (Options.Guard, internal/netguard) before any WebRTC state exists; the
// HTTP client checks every dial (redirects, the session resource), and the
// answer's ICE candidates on refused addresses are dropped before pion
// sees them, so a WHEP server cannot make this host send STUN to an
// address of its choosing. A failure to connect is the one neutral
// ErrUnreachable. What remains: pion learns peer-reflexive candidates from
// the source address of STUN checks it receives; those answer the sender.
//
// It must never block the RTP read loop on a slow consumer (chunks are
// dropped and counted instead), never apply an answer it has not checked
// (status, content type, size, an audio section with Opus), never log the
// token, and never return from Run with the peer connection or its
// goroutines still alive.
package whep
