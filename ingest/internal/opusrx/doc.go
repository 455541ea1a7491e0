// Package opusrx turns received Opus RTP payloads, already in order (after
// a jitter buffer such as pion's samplebuilder), into 16 kHz mono Chunks
// whose offsets follow the RTP timestamps: lost packets become silence,
// long pauses advance stream time without emitting samples.
//
// It is the decoding step of the WebRTC receive path
// (ingest/internal/webrtcaudio) shared by pulled sources (ingest/whep) and
// published ones (ingest/whip); 48 kHz -> 16 kHz goes through
// ingest/resample. It must never read the network, block, or
// keep state beyond one stream: use one Receiver per track.
package opusrx
