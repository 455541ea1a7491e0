// Package pull turns a room's source URL into the ingest.Source that pulls
// it, choosing the kind by scheme in one table (Schemes), which room
// registration also reads (RemoteSchemes):
//
//	rtmp, rtmps, rtsp, rtsps, srt, http, https  -> ingest/ffmpeg (HLS, HTTP-FLV, ...)
//	whep+http, whep+https                       -> ingest/whep (prefix stripped)
//	file:///x.wav or /x.wav                     -> ingest/wavfile
//	file:///x.mp4 or /x.mp4 (any other file)    -> ingest/ffmpeg
//
// It must never start anything or touch the network: New only validates
// and builds; the room supervisor calls Run (again, to reconnect).
package pull
