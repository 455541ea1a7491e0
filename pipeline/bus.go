package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/transcript"
)

// ErrQueued: Feed.Scan handed the hypotheses on durably (a local spool
// while NATS is unreachable) but cannot wait for their scan; they are
// scanned, stored and alerted later. Posting them again would alert twice.
var ErrQueued = errors.New("queued: scanned later")

// Bus is the stage boundary between recognition and the Scanner: it
// carries a session's hypotheses to a Scanner and the alerts the Scanner
// accepted back to the session. `earshot serve` uses a NATS JetStream bus
// (cluster/utt) in every mode, one process or many; Local is the bus of the
// offline tools (`earshot scan`, eval) and of tests without NATS. Either
// way the hypotheses go through the one Scanner path.
type Bus interface {
	// Open starts a session on the bus. Hypotheses sent with the Feed are
	// scanned in order.
	Open(room Room, session string, opts FeedOptions) (Feed, error)
}

// FeedOptions shape one session's feed.
type FeedOptions struct {
	// Clips asks the scanner to give each alert a clip URL: this session
	// keeps its recent audio and saves a clip for each alert it is told of.
	Clips bool
	// OnAlerts, if set, receives the alerts the scanner accepted for
	// hypotheses sent with Feed.Send (not Feed.Scan), possibly on another
	// goroutine, possibly a little after Send returned. It must be quick.
	OnAlerts func([]alerter.Alert)
	// OnShed, if set, receives how many of the session's partial
	// hypotheses a scanner skipped because they waited too long (the
	// overload policy, docs/scaling.md), at most about once a second and
	// at the session's flush. It must be quick.
	OnShed func(n uint64)
}

// Feed is one session's way onto a Bus.
type Feed interface {
	// Send hands h to the scanner without waiting for it to be scanned.
	// It may block while the bus is full (backpressure); it never drops.
	Send(ctx context.Context, h transcript.Hypothesis) error
	// Scan hands hs to the scanner and waits, until ctx ends, for each to
	// be scanned; it returns the alerts the scanner accepted for them.
	Scan(ctx context.Context, hs []transcript.Hypothesis) ([]alerter.Alert, error)
	// Close waits, until ctx ends, until every hypothesis sent has been
	// scanned and its alerts handed to OnAlerts, then ends the session.
	Close(ctx context.Context) error
}

// Local is a Bus that scans in the calling goroutine with sc: the path
// offline tools use. clipURL names the clip of an alert id for sessions
// opened with Clips (nil: no clip URLs).
func Local(sc *Scanner, clipURL func(alertID string) string) Bus {
	return localBus{sc: sc, clipURL: clipURL}
}

type localBus struct {
	sc      *Scanner
	clipURL func(string) string
}

func (b localBus) Open(room Room, session string, opts FeedOptions) (Feed, error) {
	if b.sc == nil {
		return nil, errors.New("pipeline: local bus without a scanner")
	}
	b.sc.Begin(room, session, nil)
	f := &localFeed{bus: b, room: room, session: session, opts: opts}
	return f, nil
}

type localFeed struct {
	bus     localBus
	room    Room
	session string
	opts    FeedOptions
	mu      sync.Mutex // hypotheses of one session are scanned in order
}

func (f *localFeed) scan(ctx context.Context, h transcript.Hypothesis) ([]alerter.Alert, error) {
	heard := Heard{Room: f.room, Session: f.session, Hypothesis: h}
	if f.opts.Clips && f.bus.clipURL != nil {
		return f.bus.sc.ScanWith(ctx, heard, f.bus.clipURL)
	}
	return f.bus.sc.Scan(ctx, heard)
}

func (f *localFeed) Send(ctx context.Context, h transcript.Hypothesis) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	found, err := f.scan(ctx, h)
	if len(found) > 0 && f.opts.OnAlerts != nil {
		f.opts.OnAlerts(found)
	}
	return err
}

func (f *localFeed) Scan(ctx context.Context, hs []transcript.Hypothesis) ([]alerter.Alert, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []alerter.Alert
	for _, h := range hs {
		found, err := f.scan(ctx, h)
		out = append(out, found...)
		if err != nil {
			return out, fmt.Errorf("utterance %d: %w", h.Utterance, err)
		}
	}
	return out, nil
}

func (f *localFeed) Close(context.Context) error {
	f.bus.sc.End(f.room.ID, f.session)
	return nil
}
