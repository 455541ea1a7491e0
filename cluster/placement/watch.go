package placement

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/cluster/lease"
	"github.com/earshot/earshot/internal/ctxtime"
)

// claimWatch keeps the bucket's room claims in memory from one KV watch,
// so a worker asks NATS about a room it does not hold only when the room
// may be free: its claim deleted (released, handed over) or not renewed
// for a TTL (its holder died: the bucket's MaxAge removes the key without
// a message a watcher would see). Registrations are shared, so every
// worker supervises every room; before, each of them tried a KV create on
// every room held elsewhere four times a second, about four JetStream
// requests per room per worker per second.
//
// When the watch is not (yet) in step (no bucket, NATS away, start-up),
// every room may be free: callers fall back to asking NATS, as before.
type claimWatch struct {
	ttl time.Duration
	log *slog.Logger

	mu      sync.Mutex
	synced  bool                     // the watch delivered the bucket's current claims
	claims  map[string]watched       // room -> its last claim seen
	waiters map[string]chan struct{} // rooms someone waits to see free (Freed)
}

// watched is a room's last claim: its holder and when this worker saw it
// written (its own clock: the holder renews every TTL/3).
type watched struct {
	holder string
	seen   time.Time
}

func newClaimWatch(ttl time.Duration, log *slog.Logger) *claimWatch {
	return &claimWatch{ttl: ttl, log: log, claims: map[string]watched{}, waiters: map[string]chan struct{}{}}
}

// run watches the room claims of kv until ctx ends, and wakes the waiters
// of rooms whose claims stopped being renewed.
func (w *claimWatch) run(ctx context.Context, kv jetstream.KeyValue) {
	go w.sweep(ctx)
	for ctx.Err() == nil {
		wa, err := kv.Watch(ctx, roomPrefix+">")
		if err != nil {
			w.log.Warn("room claims not watched; every room not held here is asked about in NATS", "err", err)
			if !ctxtime.Sleep(ctx, w.ttl) {
				return
			}
			continue
		}
		for e := range wa.Updates() {
			w.update(e)
		}
		_ = wa.Stop()
		w.unsync()
	}
}

func (w *claimWatch) update(e jetstream.KeyValueEntry) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if e == nil { // the current claims are all in
		w.synced = true
		return
	}
	room := strings.TrimPrefix(e.Key(), roomPrefix)
	var c lease.Claim
	if e.Operation() != jetstream.KeyValuePut || json.Unmarshal(e.Value(), &c) != nil || c.Holder == "" {
		delete(w.claims, room)
		w.wake(room)
		return
	}
	w.claims[room] = watched{holder: c.Holder, seen: time.Now()}
}

// unsync forgets the claims when the watch ended: until it delivers them
// again every room may be free.
func (w *claimWatch) unsync() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.synced = false
	clear(w.claims)
	for room := range w.waiters {
		w.wake(room)
	}
}

// heldElsewhere reports whether room is surely held by another worker
// than me: the watch is in step and saw that worker renew it within the
// last TTL.
func (w *claimWatch) heldElsewhere(room, me string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.elsewhere(room, me)
}

func (w *claimWatch) elsewhere(room, me string) bool {
	c, ok := w.claims[room]
	return w.synced && ok && c.holder != me && time.Since(c.seen) < w.ttl
}

// freed is closed once room may be free for me: at once if it may be
// now.
func (w *claimWatch) freed(room, me string) <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.elsewhere(room, me) {
		return closed
	}
	ch, ok := w.waiters[room]
	if !ok {
		ch = make(chan struct{})
		w.waiters[room] = ch
	}
	return ch
}

var closed = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// wake closes room's waiters; w.mu held.
func (w *claimWatch) wake(room string) {
	if ch, ok := w.waiters[room]; ok {
		close(ch)
		delete(w.waiters, room)
	}
}

// sweep wakes, every TTL/10, the waiters of rooms whose claims were not
// renewed within a TTL (their holders are gone, or the watch fell
// behind): they ask NATS again.
func (w *claimWatch) sweep(ctx context.Context) {
	t := time.NewTicker(w.ttl / 10)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		w.mu.Lock()
		for room := range w.waiters {
			if c, ok := w.claims[room]; !w.synced || !ok || time.Since(c.seen) >= w.ttl {
				w.wake(room)
			}
		}
		w.mu.Unlock()
	}
}
