package rooms

import (
	"context"
	"time"

	"github.com/earshot/earshot/internal/ctxtime"
)

// Owner decides which worker of a cluster pulls a registered room: with
// several ingest workers registering the same rooms, each pulled room is
// pulled by the one worker that holds its claim (cluster/placement keeps
// the claims as leases in NATS KV). Nil: this registry pulls every room it
// knows, as a single process does.
type Owner interface {
	// Acquire reports whether this worker may pull room now, taking its
	// claim if nobody holds it and this worker should (load, intake cap).
	Acquire(ctx context.Context, room string) bool
	// Holds reports whether this worker still holds room's claim; a
	// running session stops as soon as it does not.
	Holds(room string) bool
	// Release gives room up: its worker stopped (removal, drain).
	Release(room string)
}

// Notifier is an Owner that can say when a room held by another worker
// may have become free, so a worker waits for that instead of asking
// Acquire four times a second for every room it does not hold.
type Notifier interface {
	// Freed is closed once room's claim may be free for this worker; at
	// once if it may be now.
	Freed(room string) <-chan struct{}
}

// reasonElsewhere is the reason shown with StateElsewhere.
const reasonElsewhere = "pulled by another worker; taken over here if that worker goes away"

// ownerPoll is how often a worker without a room's claim asks again, and
// how often a running session checks that its claim still holds.
const ownerPoll = 250 * time.Millisecond

// ownerRecheck is how often a worker waiting for a Notifier asks Acquire
// anyway: a safety net, not the way rooms move.
const ownerRecheck = 30 * time.Second

// own waits until this worker may pull e's room or ctx ends (false).
func (r *Registry) own(ctx context.Context, e *entry, id string) bool {
	o := r.opts.Owner
	if o == nil {
		return ctx.Err() == nil
	}
	n, _ := o.(Notifier)
	for !o.Acquire(ctx, id) {
		r.setState(e, StateElsewhere, reasonElsewhere, 0)
		if !ctxtime.Sleep(ctx, ownerPoll) { // at most 4 tries a second, free or not
			return false
		}
		if n == nil {
			continue
		}
		t := time.NewTimer(ownerRecheck)
		select {
		case <-ctx.Done():
			t.Stop()
			return false
		case <-n.Freed(id):
		case <-t.C:
		}
		t.Stop()
	}
	return ctx.Err() == nil
}

// whileOwned is ctx cancelled when this worker loses id's claim.
func (r *Registry) whileOwned(ctx context.Context, id string) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	o := r.opts.Owner
	if o == nil {
		return ctx, cancel
	}
	go func() {
		t := time.NewTicker(ownerPoll)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if !o.Holds(id) {
					r.log.Warn("room claim lost: stopping its session", "room", id)
					cancel()
					return
				}
			}
		}
	}()
	return ctx, cancel
}

// disown releases id's claim once its worker stopped.
func (r *Registry) disown(id string) {
	if r.opts.Owner != nil {
		r.opts.Owner.Release(id)
	}
}

// lost reports whether a session ended because the claim went away.
func (r *Registry) lost(id string) bool {
	return r.opts.Owner != nil && !r.opts.Owner.Holds(id)
}
