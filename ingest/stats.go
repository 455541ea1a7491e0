package ingest

// StatsProvider is an optional capability of a Source: one that receives
// over a network or decodes a compressed stream counts what it received
// and how the decoder coped, which the plain PCM it emits cannot show (a
// lost packet arrives as silence). The service shows a live source's
// figures in its room's status and adds every source's up in /metrics.
//
// A Source that has nothing to add (a WAV file, raw PCM) does not
// implement it. SourceStats must be cheap, must never block and must be
// safe to call from any goroutine while Run runs: it is read at every
// status request and scrape, under the room registry's lock.
type StatsProvider interface {
	// SourceStats returns the counters since the Source was made, over
	// all of its Runs; they never decrease.
	SourceStats() SourceStats
}

// SourceStats counts what a source received. A field the source cannot
// measure stays zero (ffmpeg, for one, reports only decode errors).
type SourceStats struct {
	// Packets counts network packets received (RTP packets of the audio
	// track); Bytes their payload bytes.
	Packets uint64 `json:"packets"`
	Bytes   uint64 `json:"bytes"`
	// PacketsLost counts packets never received in time (sequence-number
	// gaps after reordering); PacketsLate those that came after the audio
	// around them had been decoded. Neither reaches the recognizer.
	PacketsLost uint64 `json:"packets_lost"`
	PacketsLate uint64 `json:"packets_late"`
	// DecodeErrors counts packets (or frames) the decoder rejected.
	DecodeErrors uint64 `json:"decode_errors"`
	// ConcealedMs is the stream time filled with silence for lost or
	// undecodable audio, so offsets keep following the sender's clock.
	ConcealedMs int64 `json:"concealed_ms"`
	// DroppedChunks counts decoded chunks the source dropped because its
	// consumer fell behind (before the pipeline's own queue).
	DroppedChunks uint64 `json:"dropped_chunks"`
}

// Add returns the field-by-field sum of s and o.
func (s SourceStats) Add(o SourceStats) SourceStats {
	return SourceStats{
		Packets: s.Packets + o.Packets, Bytes: s.Bytes + o.Bytes,
		PacketsLost: s.PacketsLost + o.PacketsLost, PacketsLate: s.PacketsLate + o.PacketsLate,
		DecodeErrors: s.DecodeErrors + o.DecodeErrors, ConcealedMs: s.ConcealedMs + o.ConcealedMs,
		DroppedChunks: s.DroppedChunks + o.DroppedChunks,
	}
}

// StatsOf returns src's counters, and false when src does not count any.
func StatsOf(src Source) (SourceStats, bool) {
	if p, ok := src.(StatsProvider); ok {
		return p.SourceStats(), true
	}
	return SourceStats{}, false
}
