package escalation

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// dueEntry is one entry of the bucket with work in it: a heeded deadline,
// or a count whose outbox holds unpublished escalations.
type dueEntry struct {
	rev uint64
	at  time.Time // when it falls due
}

// outboxGrace leaves a just-written outbox to the scanner that wrote it:
// the sweep publishes it only if it is still there this much later.
const outboxGrace = 10 * time.Second

// run mirrors the bucket's due work and fires it every SweepEvery. A
// watch that ends (its connection closed) is made again at the next tick;
// what the mirror holds keeps being swept meanwhile.
func (t *Tracker) run(ctx context.Context, w jetstream.KeyWatcher) {
	defer close(t.done)
	defer func() {
		if w != nil {
			_ = w.Stop()
		}
	}()
	tick := time.NewTicker(t.opts.SweepEvery)
	defer tick.Stop()
	var updates <-chan jetstream.KeyValueEntry
	if w != nil {
		updates = w.Updates()
	}
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-updates:
			if !ok {
				updates, w = nil, nil
				t.log.Warn("escalation bucket watch ended; watching again")
				continue
			}
			if e != nil { // nil marks the end of the initial values
				t.mirror(e)
			}
		case <-tick.C:
			if w == nil {
				if nw, err := t.kv.WatchAll(ctx); err == nil {
					w, updates = nw, nw.Updates()
				}
			}
			t.sweep(ctx)
		}
	}
}

// mirror notes e's due work, or forgets the key when it has none.
func (t *Tracker) mirror(e jetstream.KeyValueEntry) {
	key := e.Key()
	var at time.Time
	if op := e.Operation(); op == jetstream.KeyValuePut {
		switch {
		case strings.HasPrefix(key, "heeded."):
			var ph pendingHeeded
			if json.Unmarshal(e.Value(), &ph) == nil {
				at = ph.Deadline
			}
		case strings.HasPrefix(key, "count."):
			var tl tally
			if json.Unmarshal(e.Value(), &tl) == nil && len(tl.Outbox) > 0 {
				at = e.Created().Add(outboxGrace)
			}
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if at.IsZero() {
		delete(t.due, key)
		return
	}
	t.due[key] = dueEntry{rev: e.Revision(), at: at}
}

// forget drops key from the mirror if it is still at revision rev.
func (t *Tracker) forget(key string, rev uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if d, ok := t.due[key]; ok && d.rev == rev {
		delete(t.due, key)
	}
}

// sweep fires what is due: heeded reminders whose rule stayed unbroken,
// and outboxes their writer did not clear (it died, or NATS failed it).
func (t *Tracker) sweep(ctx context.Context) {
	now := t.opts.Now()
	var keys []string
	t.mu.Lock()
	for k, d := range t.due {
		if !now.Before(d.at) {
			keys = append(keys, k)
		}
	}
	t.mu.Unlock()
	for _, k := range keys {
		if ctx.Err() != nil {
			return
		}
		cctx, cancel := context.WithTimeout(ctx, t.opts.Timeout)
		t.fire(cctx, k, now)
		cancel()
	}
}

// fire reads key again (the mirror may be behind) and does its work.
func (t *Tracker) fire(ctx context.Context, key string, now time.Time) {
	e, err := t.kv.Get(ctx, key)
	if err != nil {
		if ctx.Err() == nil {
			t.mu.Lock()
			delete(t.due, key) // gone: fired or cancelled elsewhere
			t.mu.Unlock()
		}
		return
	}
	if strings.HasPrefix(key, "heeded.") {
		var ph pendingHeeded
		if json.Unmarshal(e.Value(), &ph) != nil {
			_ = t.kv.Delete(ctx, key, jetstream.LastRevision(e.Revision()))
			return
		}
		if !now.Before(ph.Deadline) {
			t.fireHeeded(ctx, key, e.Revision(), ph)
		}
		return
	}
	var tl tally
	if json.Unmarshal(e.Value(), &tl) == nil && len(tl.Outbox) > 0 {
		t.flush(ctx, key, tl.Outbox)
	}
}
