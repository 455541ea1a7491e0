// Package opusrx turns received Opus RTP payloads, already in order (after
// a jitter buffer such as pion's samplebuilder), into 16 kHz mono Chunks
// whose offsets follow the RTP timestamps: lost packets become silence,
// long pauses advance stream time without emitting samples.
//
// It is the WebRTC receive path shared by pulled sources (ingest/whep);
// ingest/whip has its own copy of this logic with a private decimator and
// can switch to this package. It must never read the network, block, or
// keep state beyond one stream: use one Receiver per track.
package opusrx
