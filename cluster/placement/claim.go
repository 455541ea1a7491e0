package placement

import (
	"context"
	"errors"
	"fmt"
)

// ErrNotRenewed: this worker's claim on the room was not renewed in time
// (NATS unreachable); it must not act on the room until it is sure again.
var ErrNotRenewed = errors.New("placement: this worker's claim is not renewed (NATS unreachable?)")

// Claim takes room's claim for a WHIP session on this worker, whatever
// the loads and the intake cap (the publisher chose this worker; its
// audio is coming now), and holds it, renewed, until Unclaim. It returns
// this worker's holder name when the claim is (now) this worker's, or the
// holder and address of the worker that holds it instead. A room this
// worker pulls is returned as its own: the caller refuses publishers for
// pulled rooms.
func (p *Placement) Claim(ctx context.Context, room string) (holder, addr string, err error) {
	key := roomPrefix + room
	if p.Holds(room) {
		return p.opts.Holder, "", nil
	}
	for range 3 {
		ok, err := p.t.TryTake(ctx, key)
		if err != nil {
			return "", "", fmt.Errorf("placement: claim %s: %w", room, err)
		}
		if ok {
			p.mu.Lock()
			p.pushed[room] = true
			p.mu.Unlock()
			p.opts.Logger.Info("room claimed for a WHIP session", "room", room)
			p.published()
			return p.opts.Holder, "", nil
		}
		holder, addr, err = p.Owner(ctx, room)
		switch {
		case err != nil:
			return "", "", err
		case holder == p.opts.Holder: // ours in the bucket, but not renewed in time
			return "", "", fmt.Errorf("%w: room %s", ErrNotRenewed, room)
		case holder != "":
			return holder, addr, nil
		}
		// released or expired between the take and the read: again
	}
	return "", "", fmt.Errorf("placement: room %s keeps changing hands; try again", room)
}

// Unclaim gives up the claim Claim took, once the room's last WHIP
// session here ended. A pulled room's claim is left alone.
func (p *Placement) Unclaim(room string) {
	p.mu.Lock()
	pushed := p.pushed[room]
	delete(p.pushed, room)
	p.mu.Unlock()
	if pushed {
		p.release(room)
	}
}

// Pushed reports whether room's claim here is a WHIP session's.
func (p *Placement) Pushed(room string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pushed[room]
}
