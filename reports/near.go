package reports

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsink"
)

// A report corroborates a rule alert when its moment falls from
// corroborateBeforeMs before the hit to corroborateAfterMs after it:
// viewers report what they just heard, a little late.
const (
	corroborateBeforeMs = 5000
	corroborateAfterMs  = 60000
	// maxCorroborated bounds the alerts one report corroborates.
	maxCorroborated = 5
	// nearTTL is how long a room's recent alerts are reused.
	nearTTL = 2 * time.Second
	// nearHorizon and nearLimit bound the alerts read per room.
	nearHorizon = time.Hour
	nearLimit   = 200
)

// nearAlerts finds the rule alerts a report's moment falls on, reading a
// room's recent alerts at most every nearTTL (a flood of reports costs one
// alert-log read per room every two seconds).
type nearAlerts struct {
	log AlertLog
	now func() time.Time
	mu  sync.Mutex
	// rooms holds the recent alerts per room; bounded by forgetting
	// entries older than nearTTL whenever it grows past maxNearRooms.
	rooms map[string]nearEntry
}

const maxNearRooms = 4096

type nearEntry struct {
	at     time.Time
	alerts []alerter.Alert
}

func newNearAlerts(log AlertLog, now func() time.Time) *nearAlerts {
	return &nearAlerts{log: log, now: now, rooms: map[string]nearEntry{}}
}

func (n *nearAlerts) recent(ctx context.Context, room string) []alerter.Alert {
	if n.log == nil {
		return nil
	}
	now := n.now()
	n.mu.Lock()
	e, ok := n.rooms[room]
	n.mu.Unlock()
	if ok && now.Sub(e.at) < nearTTL {
		return e.alerts
	}
	p, err := n.log.Page(ctx, natsink.Query{Room: room, Since: now.Add(-nearHorizon), Limit: nearLimit})
	if err != nil {
		return nil // corroboration is a hint: no alert log, no hint
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.rooms) >= maxNearRooms {
		for r, old := range n.rooms {
			if now.Sub(old.at) >= nearTTL {
				delete(n.rooms, r)
			}
		}
	}
	if len(n.rooms) < maxNearRooms {
		n.rooms[room] = nearEntry{at: now, alerts: p.Alerts}
	}
	return p.Alerts
}

// heard adds an alert just stored to its room's cached alerts, so a
// report sent right after it corroborates it even while the cache is
// younger than nearTTL (a room's reports keep the cache warm: without
// this, an alert stored less than two seconds after the last read would
// be missed by every report until the next read).
func (n *nearAlerts) heard(a alerter.Alert) {
	n.mu.Lock()
	defer n.mu.Unlock()
	e, ok := n.rooms[a.Room]
	if !ok || slices.ContainsFunc(e.alerts, func(b alerter.Alert) bool { return b.ID == a.ID }) {
		return
	}
	// A copy: readers hold the old slice without the lock.
	e.alerts = append(slices.Clip(e.alerts), a)
	if len(e.alerts) > nearLimit {
		e.alerts = e.alerts[len(e.alerts)-nearLimit:]
	}
	n.rooms[a.Room] = e
}

// at lists the rule alerts of room's session whose hit atMs falls on,
// nearest first.
func (n *nearAlerts) at(ctx context.Context, room, session string, atMs int64) []string {
	type near struct {
		id   string
		dist int64
	}
	var found []near
	for _, a := range n.recent(ctx, room) {
		if a.Category == alerter.CategoryViewerReports || (session != "" && a.Session != "" && a.Session != session) {
			continue
		}
		if atMs >= a.StartMs-corroborateBeforeMs && atMs <= a.EndMs+corroborateAfterMs {
			found = append(found, near{a.ID, abs(atMs - a.StartMs)})
		}
	}
	slices.SortFunc(found, func(a, b near) int { return cmp.Compare(a.dist, b.dist) })
	var out []string
	for _, f := range found[:min(len(found), maxCorroborated)] {
		out = append(out, f.id)
	}
	return out
}
