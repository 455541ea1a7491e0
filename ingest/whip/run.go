package whip

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/internal/webrtcaudio"
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
		case it := <-sess.rx.C():
			if err := sess.deliver(it, emit); err != nil {
				sess.end(err, "emit failed")
				sess.wait()
				return fmt.Errorf("%s: emit: %w", sess.Describe(), err)
			}
		case <-sess.done:
			sess.wait()
			if err := sess.drain(emit); err != nil {
				return fmt.Errorf("%s: emit: %w", sess.Describe(), err)
			}
			if sess.endErr != nil {
				return fmt.Errorf("%s: %w", sess.Describe(), sess.endErr)
			}
			return nil
		case <-ctx.Done():
			sess.end(ctx.Err(), "context done")
			sess.wait()
			return fmt.Errorf("%s: %w", sess.Describe(), ctx.Err())
		}
	}
}

func (sess *Session) deliver(it webrtcaudio.Item, emit ingest.Emit) error {
	if f := sess.srv.cfg.latency; f != nil {
		f(time.Since(it.Arrived))
	}
	return emit(it.Chunk)
}

// drain emits what the read loop queued before the session ended.
func (sess *Session) drain(emit ingest.Emit) error {
	for {
		select {
		case it := <-sess.rx.C():
			if err := sess.deliver(it, emit); err != nil {
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

// SourceStats is the session's counters as every source reports them
// (ingest.StatsProvider); safe at any time.
func (sess *Session) SourceStats() ingest.SourceStats { return sess.stats.Source() }

var _ ingest.StatsProvider = (*Session)(nil)

// Stats returns a snapshot of the session's counters; safe at any time.
func (sess *Session) Stats() Stats {
	st := sess.stats.Source()
	return Stats{
		Packets: st.Packets, Bytes: st.Bytes, LostPackets: st.PacketsLost,
		LatePackets: st.PacketsLate, DecodeErrors: st.DecodeErrors,
		Decoded: sess.stats.Decoded(), Concealed: sess.stats.Concealed(),
		DroppedChunks: st.DroppedChunks, Started: sess.started,
	}
}
