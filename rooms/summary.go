package rooms

import "github.com/earshot/earshot/pipeline"

// Summary is the whole registry at one instant without any per-room
// detail: what /metrics exports. Its size does not grow with the number of
// rooms, so a scrape stays small at any scale; per-room figures are in
// Status.
type Summary struct {
	// States counts the rooms known now by state (idle, waiting, live, …);
	// every state is present, zero or not.
	States map[State]int
	// Total adds up every session since the registry started, including
	// those of rooms removed since: it never decreases, so each field is a
	// Prometheus counter.
	Total Totals
	// Sessions counts sessions started; Reconnects counts pulled sessions
	// that followed a failed or ended one.
	Sessions, Reconnects uint64
}

// tally is the registry's own bookkeeping behind Summary. Guarded by
// Registry.mu. A session moves from live to ended under that one lock, so
// a scrape counts it exactly once.
type tally struct {
	live                 map[*pipeline.Session]struct{}
	ended                Totals // sessions that finished, whatever became of their room
	sessions, reconnects uint64
}

// beginLocked counts a session that starts now.
func (t *tally) beginLocked(s *pipeline.Session, reconnect bool) {
	if t.live == nil {
		t.live = map[*pipeline.Session]struct{}{}
	}
	t.live[s] = struct{}{}
	t.sessions++
	if reconnect {
		t.reconnects++
	}
}

// endLocked moves a finished session's counts from live to ended, and into
// its room's past sessions.
func (t *tally) endLocked(e *entry, s *pipeline.Session) {
	delete(t.live, s)
	t.ended.add(s)
	e.past.add(s)
}

// forgetLocked keeps the counts of a removed room's text session (its audio
// sessions end through endLocked, removed or not).
func (t *tally) forgetLocked(e *entry) {
	if e.text != nil {
		t.ended.add(e.text)
	}
}

// Summary counts rooms by state and adds up every session's counters.
func (r *Registry) Summary() Summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	all := States() // every state present, zero or not: a gauge per state must not come and go
	sum := Summary{States: make(map[State]int, len(all)), Total: r.tally.ended,
		Sessions: r.tally.sessions, Reconnects: r.tally.reconnects}
	for _, st := range all {
		sum.States[st] = 0
	}
	for _, e := range r.rooms {
		sum.States[r.stateLocked(e)]++
		if e.text != nil {
			sum.Total.add(e.text)
		}
	}
	for s := range r.tally.live {
		sum.Total.add(s)
	}
	return sum
}
