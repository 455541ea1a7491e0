package natsink

import (
	"sync"
	"time"
)

// cooldown decides, per room and rule, whether a reminder may go out now and
// counts the reminders sent. Entries expire once both their cooldown and the
// repeat-reset period have passed, and the table never holds more than max
// entries.
type cooldown struct {
	mu        sync.Mutex
	entries   map[cooldownKey]*cooldownEntry
	reset     time.Duration
	max       int
	nextSweep time.Time
}

type cooldownKey struct{ room, rule string }

type cooldownEntry struct {
	until   time.Time // no reminder before this
	expires time.Time // forget the entry (and its count) after this
	count   int
}

func newCooldown(reset time.Duration, max int) *cooldown {
	return &cooldown{entries: make(map[cooldownKey]*cooldownEntry), reset: reset, max: max}
}

// take reports whether a reminder for (room, rule) may be sent at now and, if
// so, charges the cooldown d and returns the reminder's Repeat number.
func (c *cooldown) take(room, rule string, now time.Time, d time.Duration) (repeat int, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sweep(now)
	k := cooldownKey{room, rule}
	e := c.entries[k]
	if e != nil && !now.After(e.expires) && now.Before(e.until) {
		return 0, false
	}
	if e == nil {
		c.makeRoom()
		e = &cooldownEntry{}
		c.entries[k] = e
	} else if now.After(e.expires) {
		*e = cooldownEntry{}
	}
	e.count++
	e.until = now.Add(d)
	e.expires = laterOf(e.until, now.Add(c.reset))
	return e.count, true
}

// sweep drops expired entries, at most once per reset period.
func (c *cooldown) sweep(now time.Time) {
	if now.Before(c.nextSweep) {
		return
	}
	c.nextSweep = now.Add(c.reset)
	for k, e := range c.entries {
		if now.After(e.expires) {
			delete(c.entries, k)
		}
	}
}

// makeRoom drops the entry closest to expiry when the table is full.
func (c *cooldown) makeRoom() {
	if len(c.entries) < c.max {
		return
	}
	var oldest cooldownKey
	var at time.Time
	for k, e := range c.entries {
		if at.IsZero() || e.expires.Before(at) {
			oldest, at = k, e.expires
		}
	}
	delete(c.entries, oldest)
}

func (c *cooldown) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

func laterOf(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
