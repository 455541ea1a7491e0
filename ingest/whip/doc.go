// Package whip receives live audio from publishers over WebRTC using WHIP
// (RFC 9725) and turns every publishing session into an ingest.Source.
//
// A Server is an http.Handler, mounted at "/whip/":
//
//	POST    /whip/{room}       application/sdp offer + Bearer token -> 201, SDP answer,
//	                           Location: /whip/{room}/{id}, ETag
//	PATCH   /whip/{room}/{id}  application/trickle-ice-sdpfrag -> 204 (trickle ICE;
//	                           ICE restart -> 422)
//	DELETE  /whip/{room}/{id}  -> 200, the session's Run returns nil
//	OPTIONS any of the above   -> 204 with CORS headers (Config.AllowOrigin)
//
// Authorization is injected (Config.Authorize); a refused request gets 401
// and creates no peer connection. Each accepted offer creates a *Session
// and hands it to Config.OnSession; the room's pipeline calls its Run. One
// publisher per room: a new authorized publisher replaces the old one,
// whose Run returns nil, so a reloading browser is never locked out.
//
// Audio path, shared with ingest/whep (ingest/internal/webrtcaudio, which
// also builds the Server's one pion API): RTP (Opus, 48 kHz clock) ->
// samplebuilder reordering -> ingest/internal/opusrx (pion/opus decode to
// 48 kHz mono, silence for lost packets so stream time follows RTP
// timestamps, ingest/resample to 16 kHz) -> bounded queue -> Run -> emit.
// Chunk offsets are stream time since the first packet. Session.Stats and
// SourceStats (ingest.StatsProvider) count packets, loss, concealment and
// decode errors.
//
// This package must never block the RTP read loop on a slow consumer:
// when Run falls behind, chunks are dropped and counted
// (Stats.DroppedChunks), never buffered without bound. It must never panic
// on client input, never start WebRTC state before authorization, and
// never leave goroutines behind: Run returns only after the peer
// connection and its read loops are gone.
package whip
