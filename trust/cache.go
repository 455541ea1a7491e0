package trust

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/earshot/earshot/alerter"
)

// entry is one key of the bucket as the applier holds it: its decoded
// value and the revision it was read at (0: not in the bucket yet).
type entry struct {
	day  *Day
	rec  *Record
	room *RoomInfo
	rev  uint64
}

// loadFunc reads a key: its value and revision, found false when absent.
type loadFunc func(key string) (data []byte, rev uint64, found bool, err error)

// cache is the state apply works on: entries read once, changed in
// memory, and written back (dirty) by the ledger's flush. Without a
// loader it is the whole state (Memory, replays).
//
// The ledger bounds it by generations (rotate): every alert adds a record
// entry that is touched again only by its reminder, heeded, disposition or
// appeal, mostly within minutes, while day and room entries are touched
// all day. Once the current generation is full or a minute old it becomes
// the old one and a new one starts; an entry found in the old generation
// moves to the new, so hot entries survive a rotation without a reload,
// and cold ones leave memory at the next rotation (they are re-read when
// an event names them). What stays is what the last minute or two touched.
type cache struct {
	entries map[string]*entry
	old     map[string]*entry // the previous generation, all clean
	born    time.Time         // when the current generation started
	changed map[string]struct{}
	load    loadFunc
	find    func(ctx context.Context, id string) (alerter.Alert, error)
}

func newCache(load loadFunc, find func(context.Context, string) (alerter.Alert, error)) *cache {
	return &cache{entries: map[string]*entry{}, changed: map[string]struct{}{}, load: load, find: find, born: time.Now()}
}

func (c *cache) get(key string, decode func([]byte, *entry) error) (*entry, bool, error) {
	if e, ok := c.entries[key]; ok {
		return e, true, nil
	}
	if e, ok := c.old[key]; ok {
		delete(c.old, key)
		c.entries[key] = e
		return e, true, nil
	}
	e := &entry{}
	if c.load != nil {
		data, rev, found, err := c.load(key)
		if err != nil {
			return nil, false, err
		}
		if found {
			if err := decode(data, e); err != nil {
				return nil, false, fmt.Errorf("trust: stored %s: %w", key, err)
			}
			e.rev = rev
			c.entries[key] = e
			return e, true, nil
		}
	}
	c.entries[key] = e
	return e, false, nil
}

func (c *cache) day(kind Kind, id, date string) (*Day, error) {
	e, _, err := c.get(dayKey(kind, id, date), func(b []byte, e *entry) error {
		e.day = new(Day)
		return json.Unmarshal(b, e.day)
	})
	if err != nil {
		return nil, err
	}
	if e.day == nil {
		e.day = &Day{Date: date}
	}
	return e.day, nil
}

func (c *cache) record(id string) (*Record, error) {
	e, _, err := c.get(recordKey(id), func(b []byte, e *entry) error {
		e.rec = new(Record)
		return json.Unmarshal(b, e.rec)
	})
	if err != nil {
		return nil, err
	}
	return e.rec, nil
}

func (c *cache) newRecord(id string, r Record) (*Record, error) {
	key := recordKey(id)
	e, ok := c.entries[key]
	if !ok {
		e = &entry{}
		c.entries[key] = e
	}
	e.rec = &r
	c.changed[key] = struct{}{}
	return e.rec, nil
}

func (c *cache) room(room string) (RoomInfo, bool, error) {
	e, _, err := c.get(roomKey(room), func(b []byte, e *entry) error {
		e.room = new(RoomInfo)
		return json.Unmarshal(b, e.room)
	})
	if err != nil || e.room == nil {
		return RoomInfo{}, false, err
	}
	return *e.room, true, nil
}

func (c *cache) setRoom(room string, info RoomInfo) error {
	key := roomKey(room)
	if _, _, err := c.get(key, func(b []byte, e *entry) error {
		e.room = new(RoomInfo)
		return json.Unmarshal(b, e.room)
	}); err != nil {
		return err
	}
	c.entries[key].room = &info
	c.changed[key] = struct{}{}
	return nil
}

func (c *cache) lookup(ctx context.Context, id string) (alerter.Alert, error) {
	if c.find == nil {
		return alerter.Alert{}, errors.New("no alert log to look in")
	}
	return c.find(ctx, id)
}

func (c *cache) dirty(key string) { c.changed[key] = struct{}{} }

// rotate starts a new generation once the current one holds more than max
// entries or is older than age at now, dropping the old generation; only
// between batches, when every entry is clean (flushed). It reports whether
// it rotated.
func (c *cache) rotate(max int, age time.Duration, now time.Time) bool {
	if len(c.changed) > 0 || (len(c.entries) <= max && now.Sub(c.born) < age) {
		return false
	}
	c.old, c.entries, c.born = c.entries, map[string]*entry{}, now
	return true
}

// size is the number of entries held, both generations.
func (c *cache) size() int { return len(c.entries) + len(c.old) }

// dirtyKeys are the changed keys in write order: day entries, then alert
// records, then rooms (changeRecord relies on days being written first).
func (c *cache) dirtyKeys() []string {
	keys := make([]string, 0, len(c.changed))
	for k := range c.changed {
		keys = append(keys, k)
	}
	slices.Sort(keys) // "d." < "r." < "room."
	return keys
}

// value is the JSON of a cached entry.
func (e *entry) value() ([]byte, error) {
	switch {
	case e.day != nil:
		return json.Marshal(e.day)
	case e.rec != nil:
		return json.Marshal(e.rec)
	case e.room != nil:
		return json.Marshal(e.room)
	}
	return nil, errors.New("trust: empty entry")
}

// parseDayKey splits d.<kind>.<token>.<date>.
func parseDayKey(key string) (Kind, string, string, bool) {
	parts := strings.Split(key, ".")
	if len(parts) != 4 || parts[0] != "d" {
		return "", "", "", false
	}
	id, err := FromToken(parts[2])
	if err != nil {
		return "", "", "", false
	}
	k := Kind(parts[1])
	if k != Anchor && k != Merchant {
		return "", "", "", false
	}
	return k, id, parts[3], true
}
