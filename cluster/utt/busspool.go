package utt

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/spool"
	"github.com/earshot/earshot/pipeline"
)

// spooler holds the hypotheses a Bus could not publish while NATS was
// unreachable (BusOptions.Spool). While it holds any, every new hypothesis
// goes behind them, so a room's hypotheses reach the stream in the order
// they were said; once the pump has delivered the last one, publishing
// goes straight to the stream again.
type spooler struct {
	sp   *spool.Spool
	pump *spool.Pump
	mu   sync.Mutex // on, and appends under it: the switch back sees every append
	on   bool
}

func (b *Bus) startSpool() {
	if b.opts.Spool == nil {
		return
	}
	b.spool = &spooler{sp: b.opts.Spool}
	b.spool.on = b.opts.Spool.Stats().Records > 0 // left from before a restart
	b.spool.pump = spool.StartPump(b.opts.Spool, spool.PumpOptions{
		Deliver: b.deliverSpooled, Every: 500 * time.Millisecond, OnEmpty: b.spoolEmptied,
	})
}

func (b *Bus) stopSpool() {
	if b.spool != nil {
		b.spool.pump.Close()
	}
}

// spoolIfDown spools m when the spool is in use or the connection is down:
// it reports whether it did (or why it could not: a full spool).
func (b *Bus) spoolIfDown(m *nats.Msg) (bool, error) {
	s := b.spool
	if s == nil {
		return false, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.on && b.nc.IsConnected() {
		return false, nil
	}
	return true, b.spoolLocked(m)
}

// spoolFailed spools m after its publish failed without the stream's word
// (a timeout, the connection lost): it reports whether it is spooled.
func (b *Bus) spoolFailed(m *nats.Msg, err error) bool {
	var apiErr *jetstream.APIError
	if b.spool == nil || errors.As(err, &apiErr) {
		return false
	}
	b.spool.mu.Lock()
	defer b.spool.mu.Unlock()
	return b.spoolLocked(m) == nil
}

func (b *Bus) spoolLocked(m *nats.Msg) error {
	s := b.spool
	if err := s.sp.Append(m); err != nil {
		b.Lost.Add(1)
		b.opts.Logger.Error("hypothesis lost: NATS is unreachable and the local spool refused it", "subject", m.Subject,
			"id", refOf(m.Header), "err", err)
		return fmt.Errorf("utt: %w: NATS unreachable and the spool refused the hypothesis: %w", alerter.ErrUnavailable, err)
	}
	if !s.on {
		b.opts.Logger.Warn("NATS unreachable: spooling hypotheses on local disk", "dir", s.sp.Dir(), "nats", b.nc.Status().String())
	}
	s.on = true
	return nil
}

// spoolEmptied switches back to publishing straight to the stream once
// the pump delivered everything.
func (b *Bus) spoolEmptied() {
	s := b.spool
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.on && s.sp.Stats().Records == 0 {
		s.on = false
		b.opts.Logger.Info("spooled hypotheses delivered; publishing to the utterance stream again", "delivered", s.sp.Stats().Delivered)
	}
}

// deliverSpooled publishes a batch asynchronously with the headers it was
// spooled with (so its Nats-Msg-Id, or a partial's HeaderID) and waits for
// the acks in order.
func (b *Bus) deliverSpooled(ctx context.Context, recs []spool.Record) (int, error) {
	if !b.nc.IsConnected() {
		return 0, fmt.Errorf("not connected to NATS (%s)", b.nc.Status())
	}
	if err := b.writable(); err != nil {
		return 0, err
	}
	futs := make([]jetstream.PubAckFuture, 0, len(recs))
	var pubErr error
	for _, r := range recs {
		fut, err := b.js.PublishMsgAsync(r.Msg, jetstream.WithStallWait(time.Second))
		if err != nil {
			pubErr = err
			break
		}
		futs = append(futs, fut)
	}
	for i, fut := range futs {
		select {
		case <-fut.Ok():
		case err := <-fut.Err():
			var apiErr *jetstream.APIError
			if !errors.As(err, &apiErr) {
				return i, err // not the stream's answer: try again later
			}
			b.Lost.Add(1) // the stream refused it for good: trying again changes nothing
			b.opts.Logger.Error("spooled hypothesis refused by the utterance stream", "id", refOf(fut.Msg().Header), "err", err)
		case <-ctx.Done():
			return i, ctx.Err()
		}
	}
	return len(futs), pubErr
}

// spoolReady is nil unless hypotheses wait in the spool.
func (b *Bus) spoolReady() error {
	if b.spool == nil {
		return nil
	}
	if err := b.spool.pump.Ready("hypotheses", "NATS "+b.nc.Status().String()); err != nil {
		return fmt.Errorf("utt: %w", err)
	}
	return nil
}

// queued is the error of a Scan whose hypotheses went to the spool.
func queued(n, of int) error {
	return fmt.Errorf("utt: NATS unreachable: %d of %d utterances spooled on local disk; they are scanned and alerted when it returns (do not post them again): %w",
		n, of, pipeline.ErrQueued)
}
