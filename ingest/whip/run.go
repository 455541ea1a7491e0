package whip

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/earshot/earshot/ingest"
)

// Run delivers the session's audio to emit until the publisher hangs up or
// is replaced (nil), the connection fails (wraps ErrICEFailed), emit fails,
// or ctx ends (the peer connection is closed; wraps ctx.Err()). Run may be
// called once. It returns only after the session's goroutines are gone.
func (sess *Session) Run(ctx context.Context, emit ingest.Emit) error {
	if !sess.running.CompareAndSwap(false, true) {
		return errors.New("whip: Run called twice on " + sess.Describe())
	}
	for {
		select {
		case q := <-sess.queue:
			if err := sess.deliver(q, emit); err != nil {
				sess.end(err, "emit failed")
				sess.wait()
				return fmt.Errorf("whip: %s: emit: %w", sess.Describe(), err)
			}
		case <-sess.done:
			sess.wait()
			if err := sess.drain(emit); err != nil {
				return fmt.Errorf("whip: %s: emit: %w", sess.Describe(), err)
			}
			if sess.endErr != nil {
				return fmt.Errorf("whip: %s: %w", sess.Describe(), sess.endErr)
			}
			return nil
		case <-ctx.Done():
			sess.end(ctx.Err(), "context done")
			sess.wait()
			return fmt.Errorf("whip: %s: %w", sess.Describe(), ctx.Err())
		}
	}
}

func (sess *Session) deliver(q queued, emit ingest.Emit) error {
	if f := sess.srv.cfg.latency; f != nil {
		f(time.Since(q.arrived))
	}
	return emit(q.chunk)
}

// drain emits what the read loop queued before the session ended.
func (sess *Session) drain(emit ingest.Emit) error {
	for {
		select {
		case q := <-sess.queue:
			if err := sess.deliver(q, emit); err != nil {
				return err
			}
		default:
			return nil
		}
	}
}

// Stats are a session's counters since it started.
type Stats struct {
	Packets       uint64        // RTP packets received on the audio track
	Bytes         uint64        // their payload bytes
	LostPackets   uint64        // sequence numbers never received in time
	LatePackets   uint64        // packets behind already-decoded stream time
	DecodeErrors  uint64        // packets the Opus decoder rejected (replaced by silence)
	Decoded       time.Duration // stream time of decoded audio
	Concealed     time.Duration // stream time of silence inserted for loss
	DroppedChunks uint64        // chunks dropped because Run fell behind
	Started       time.Time
}

type counters struct {
	packets, bytes, lost, late, decodeErrs atomic.Uint64
	decoded48, concealed48                 atomic.Uint64 // in 48 kHz samples
	dropped                                atomic.Uint64
}

// Stats returns a snapshot of the session's counters; safe at any time.
func (sess *Session) Stats() Stats {
	c := &sess.stats
	return Stats{
		Packets: c.packets.Load(), Bytes: c.bytes.Load(), LostPackets: c.lost.Load(),
		LatePackets: c.late.Load(), DecodeErrors: c.decodeErrs.Load(),
		Decoded:       samples48(c.decoded48.Load()),
		Concealed:     samples48(c.concealed48.Load()),
		DroppedChunks: c.dropped.Load(), Started: sess.started,
	}
}

func samples48(n uint64) time.Duration { return time.Duration(n) * time.Second / 48000 }
