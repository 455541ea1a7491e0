package rooms

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/pipeline"
)

// errEnded explains a reconnect after a source that ended without error: a
// live stream that ends may well come back.
var errEnded = errors.New("source ended")

// supervise keeps a pulled room's source running until ctx ends: each
// failure or end is followed by a reconnect after an exponential, jittered
// delay, which starts again from Backoff.Min once a session was healthy.
func (r *Registry) supervise(ctx context.Context, e *entry) {
	spec, b := *e.spec, r.opts.Backoff
	defer r.disown(spec.ID)
	attempt := 0
	for {
		if !r.own(ctx, e, spec.ID) {
			r.setState(e, StateStopped, "", 0)
			return
		}
		sctx, cancel := r.whileOwned(ctx, spec.ID)
		heard, err := r.pullOnce(sctx, e, spec, attempt > 0)
		cancel()
		if ctx.Err() != nil {
			r.setState(e, StateStopped, "", 0)
			return
		}
		if r.lost(spec.ID) { // another worker pulls it now: no backoff, wait to own it again
			// Shown at once: asking for the claim again may wait on NATS.
			r.setState(e, StateElsewhere, reasonElsewhere, 0)
			// A claim being handed over is freed only now that this
			// session stopped (a lost one is not this worker's to free).
			r.disown(spec.ID)
			attempt = 0
			continue
		}
		if heard >= b.Healthy {
			attempt = 0
		}
		attempt++
		delay := b.Delay(attempt, jitterRand())
		r.log.Warn("pulled source down; reconnecting", "room", spec.ID, "attempt", attempt, "in", delay, "err", err)
		r.setState(e, StateReconnecting,
			fmt.Sprintf("reconnecting: %v (attempt %d, next try in %v)", err, attempt, delay.Round(time.Millisecond)), attempt)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			r.setState(e, StateStopped, "", 0)
			return
		case <-t.C:
		}
	}
}

// pullOnce opens and runs the source once; it returns how much stream time
// the session heard and why it stopped.
func (r *Registry) pullOnce(ctx context.Context, e *entry, spec Spec, retry bool) (time.Duration, error) {
	src, err := r.opts.OpenSource(spec.Source, spec.Token)
	if err != nil {
		r.recordErr(e, err)
		return 0, fmt.Errorf("opening source: %w", err)
	}
	s := &pipeline.Session{Room: spec.Room(), ID: alerter.NewID(r.now()), Source: src}
	r.mu.Lock()
	e.session, e.running, e.sessions = s, true, e.sessions+1
	if retry {
		e.reconnects++
	}
	r.tally.beginLocked(s, retry)
	e.state, e.reason, e.started, e.ended = StateLive, "", r.now(), time.Time{}
	r.mu.Unlock()

	err = r.runSession(ctx, s)
	heard := time.Duration(s.Stats.HeardMs.Load()) * time.Millisecond
	r.mu.Lock()
	e.running, e.ended = false, r.now()
	r.tally.endLocked(e, s)
	if err != nil {
		e.lastErr = err.Error()
	}
	r.mu.Unlock()
	if err == nil {
		err = errEnded
	}
	return heard, err
}

func (r *Registry) recordErr(e *entry, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e.lastErr = err.Error()
}

func (r *Registry) setState(e *entry, state State, reason string, attempt int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e.state, e.reason, e.attempt = state, reason, attempt
}
