package webrtcaudio

// seqGuard keeps the sequence numbers that reach the samplebuilder within
// a small window. pion's samplebuilder scans the span between its oldest
// and newest packet for every packet it purges, so one packet whose
// sequence number is far from the others (a sender can pick any) made it
// spend about 0.4 s of CPU (quadratic in the span; found by FuzzRTP). A
// packet far behind the newest is too late to play and is dropped; a jump
// far ahead (a sender restart, a long outage) is believed after
// jumpConfirm packets in a row agree, and is then renumbered to continue
// where the stream was, so the samplebuilder never sees the gap (opusrx
// still sees the timestamp jump and skips stream time).
type seqGuard struct {
	started bool
	offset  uint16 // added to every sequence number
	newest  uint16 // newest sequence number handed on (after offset)
	jump    uint16 // the latest out-of-window sequence number (before offset)
	jumps   int    // how many in a row agree with jump
}

const (
	maxBehind   = 2 * maxLate // older than this is too late for the jitter buffer
	maxAhead    = 256         // about 5 s of 20 ms frames lost in one burst
	jumpConfirm = 3
)

// admit returns the sequence number to use for seq, or false to drop it.
func (g *seqGuard) admit(seq uint16) (uint16, bool) {
	if !g.started {
		g.started, g.newest = true, seq
		return seq, true
	}
	m := seq + g.offset
	if d := int16(m - g.newest); d >= -maxBehind && d <= maxAhead {
		g.jumps = 0
		if d > 0 {
			g.newest = m
		}
		return m, true
	}
	if g.jumps > 0 && seq-g.jump >= 1 && seq-g.jump <= jumpConfirm {
		g.jumps++
	} else {
		g.jumps = 1
	}
	g.jump = seq
	if g.jumps < jumpConfirm {
		return 0, false
	}
	g.jumps = 0
	g.offset = g.newest + 1 - seq
	g.newest++
	return g.newest, true
}
