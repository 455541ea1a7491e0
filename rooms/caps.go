package rooms

import (
	"errors"
	"fmt"
	"time"

	"github.com/earshot/earshot/pipeline"
)

// Caps bound how many rooms a registry keeps, so room ids a client invents
// (an upload, a posted utterance or a WHIP publish names any id it likes)
// cannot grow it without end. The tenant is the merchant: the shop whose
// anchors broadcast, named by a registration's "merchant" or the ?merchant=
// of the traffic that made an automatic room; rooms without one are
// bounded by MaxRooms alone. Zero fields take the defaults.
type Caps struct {
	// MaxRooms bounds every room, registered or automatic; default 10000.
	MaxRooms int
	// MaxPerMerchant bounds one merchant's rooms; default 1000.
	MaxPerMerchant int
	// RefuseUnregistered makes traffic for an id that is not registered
	// an error (ErrUnregistered) instead of an automatic room.
	RefuseUnregistered bool
	// MaxAuto bounds automatic rooms; default 1000. At the bound the
	// automatic room idle longest, if idle for AutoIdle (default 10 min),
	// is forgotten to make place; otherwise the new one is refused.
	MaxAuto  int
	AutoIdle time.Duration
}

func (c Caps) withDefaults() Caps {
	if c.MaxRooms <= 0 {
		c.MaxRooms = 10000
	}
	if c.MaxPerMerchant <= 0 {
		c.MaxPerMerchant = 1000
	}
	if c.MaxAuto <= 0 {
		c.MaxAuto = 1000
	}
	if c.AutoIdle <= 0 {
		c.AutoIdle = 10 * time.Minute
	}
	return c
}

var (
	// ErrRoomLimit: a new room would exceed a cap; the error names it.
	ErrRoomLimit = errors.New("room limit reached")
	// ErrUnregistered: traffic for a room that is not registered while
	// automatic rooms are off.
	ErrUnregistered = errors.New("room is not registered")
)

// admitLocked is the entry traffic for room goes to: the room's own, or a
// new automatic one within the caps.
func (r *Registry) admitLocked(room pipeline.Room) (*entry, error) {
	if e, ok := r.rooms[room.ID]; ok {
		e.active = r.now()
		return e, nil
	}
	c := r.opts.Caps
	if c.RefuseUnregistered {
		return nil, fmt.Errorf("rooms: %s: %w: register it first (POST /v1/rooms), or turn ingest.auto_register on", room.ID, ErrUnregistered)
	}
	auto, total := 0, len(r.rooms)
	for _, e := range r.rooms {
		if e.spec == nil {
			auto++
		}
	}
	if auto >= c.MaxAuto || total >= c.MaxRooms {
		if !r.reclaimLocked() {
			if auto >= c.MaxAuto {
				return nil, fmt.Errorf("rooms: %s: %w: %d automatic rooms, none idle for %v (ingest.max_auto_rooms)", room.ID, ErrRoomLimit, c.MaxAuto, c.AutoIdle)
			}
			return nil, fmt.Errorf("rooms: %s: %w: %d rooms (ingest.max_rooms)", room.ID, ErrRoomLimit, c.MaxRooms)
		}
	}
	if err := r.merchantRoomLocked(room.ID, room.Merchant); err != nil {
		return nil, err
	}
	e := r.entryLocked(room.ID)
	e.merchant, e.active = room.Merchant, r.now()
	return e, nil
}

// admitRegisteredLocked checks a registration of a room not yet known
// against the caps.
func (r *Registry) admitRegisteredLocked(spec Spec) error {
	if _, ok := r.rooms[spec.ID]; !ok && len(r.rooms) >= r.opts.Caps.MaxRooms && !r.reclaimLocked() {
		return fmt.Errorf("rooms: %s: %w: %d rooms (ingest.max_rooms)", spec.ID, ErrRoomLimit, r.opts.Caps.MaxRooms)
	}
	return r.merchantRoomLocked(spec.ID, spec.Merchant)
}

// merchantRoomLocked refuses a new room of merchant beyond MaxPerMerchant.
func (r *Registry) merchantRoomLocked(id, merchant string) error {
	if merchant == "" {
		return nil
	}
	n := 0
	for other, e := range r.rooms {
		if other != id && e.merchantOf() == merchant {
			n++
		}
	}
	if n >= r.opts.Caps.MaxPerMerchant {
		return fmt.Errorf("rooms: %s: %w: merchant %q has %d rooms (ingest.max_rooms_per_merchant)", id, ErrRoomLimit, merchant, n)
	}
	return nil
}

// merchantOf is the tenant the entry counts against.
func (e *entry) merchantOf() string {
	if e.spec != nil {
		return e.spec.Merchant
	}
	return e.merchant
}

// reclaimLocked forgets the automatic room idle longest, if it has been
// idle for AutoIdle: nothing running, nothing waiting, no traffic.
func (r *Registry) reclaimLocked() bool {
	var id string
	var oldest *entry
	cutoff := r.now().Add(-r.opts.Caps.AutoIdle)
	for k, e := range r.rooms {
		if e.spec != nil || e.running || e.next != nil || e.active.After(cutoff) {
			continue
		}
		if oldest == nil || e.active.Before(oldest.active) {
			id, oldest = k, e
		}
	}
	if oldest == nil {
		return false
	}
	delete(r.rooms, id)
	r.tally.forgetLocked(oldest)
	if oldest.textFeed != nil {
		feed := oldest.textFeed
		go func() { _ = feed.Close(r.ctx) }() // ends the feed's session on the bus
	}
	r.log.Info("forgot an idle automatic room to make place", "room", id, "idle_since", oldest.active)
	return true
}
