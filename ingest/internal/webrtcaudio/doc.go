// Package webrtcaudio is the WebRTC audio receive path shared by the
// source that takes published streams (ingest/whip, the server side) and
// the one that pulls them (ingest/whep, the client side): the pion API
// built once per server or client, and pion's logs sent to the service's
// slog logger.
//
// It must never know about HTTP signalling (WHIP and WHEP differ there and
// keep it), never block a network read loop on a consumer, and never keep
// per-session state in the API it builds.
package webrtcaudio
