package reports

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/earshot/earshot/alerter"
)

// Rules decide when reports about one moment are a burst worth an alert,
// and when a room is being flooded.
type Rules struct {
	// MomentMs: reports within this many milliseconds of stream time of a
	// moment's first report are about the same moment.
	MomentMs int64
	// MinReporters distinct reporters with a record (enough decided
	// reports: new reporters are no witnesses of their own), with every
	// reporter's weight adding up to MinWeight, raise an alert.
	MinReporters int
	MinWeight    float64
	// FloodNew new reporters (no record) reporting in one room within
	// FloodWindow trip the room's flood breaker; it stays tripped until
	// FloodHold after the last report that kept the count up. While it is
	// tripped, new reporters weigh nothing.
	FloodNew    int
	FloodWindow time.Duration
	FloodHold   time.Duration
	// Horizon: a moment without reports for this long is forgotten.
	Horizon time.Duration
	// MaxRooms bounds the rooms tracked (least recently reported forgotten).
	MaxRooms int
	// MaxPerMoment bounds the reports kept per moment; later ones count
	// but are not kept.
	MaxPerMoment int
	// MaxMoments bounds the moments tracked per room; a new one beyond
	// it forgets the room's least recently reported moment.
	MaxMoments int
}

// DefaultRules: three reporters and a weight of 2 (three reporters with
// good records, or ten without any), and a breaker that trips at eight new
// reporters a minute, so new reporters alone can never raise an alert:
// ten are needed, the breaker trips at eight.
var DefaultRules = Rules{
	MomentMs: 15000, MinReporters: 3, MinWeight: 2,
	FloodNew: 8, FloodWindow: time.Minute, FloodHold: 5 * time.Minute,
	Horizon: 10 * time.Minute, MaxRooms: 10000, MaxPerMoment: 1000, MaxMoments: 256,
}

// Validate names the first rule that cannot work.
func (r Rules) Validate() error {
	switch {
	case r.MomentMs <= 0:
		return fmt.Errorf("moment_ms %d: want a positive span", r.MomentMs)
	case r.MinReporters < 2:
		return fmt.Errorf("min_reporters %d: want at least 2 (one viewer is never a burst)", r.MinReporters)
	case !(r.MinWeight > 0):
		return fmt.Errorf("min_weight %v: want a positive weight", r.MinWeight)
	case r.FloodNew < 2 || r.FloodWindow <= 0 || r.FloodHold <= 0:
		return fmt.Errorf("flood breaker: want flood_new >= 2 and positive windows")
	case r.Horizon <= 0 || r.MaxRooms < 1 || r.MaxPerMoment < 1 || r.MaxMoments < 1:
		return fmt.Errorf("horizon, max_rooms, max_per_moment and max_moments must be positive")
	}
	return nil
}

// Burst is a moment whose reports crossed the rules: the alert to raise.
type Burst struct {
	Room, Session, Anchor, Merchant string
	// MomentMs is the moment's first reported time: with Room and Session
	// it names the moment (the alert's dedup key).
	MomentMs int64
	Summary  alerter.ReportsSummary
	// Reporters are the distinct reporters of the moment, weighed or not:
	// staff's decision on the alert goes into each one's record.
	Reporters []string
}

// RoomReports is a room's report figures since the detector started.
type RoomReports struct {
	Reports uint64 `json:"reports"`
	// Flooded counts reports the breaker kept out of the weight.
	Flooded uint64 `json:"flooded"`
	// Floods counts the times the breaker tripped; Flood says it is
	// tripped now, until FloodUntil.
	Floods     uint64    `json:"floods"`
	Flood      bool      `json:"flood"`
	FloodUntil time.Time `json:"flood_until,omitzero"`
	// NewReporters counts new reporters within the flood window now.
	NewReporters int    `json:"new_reporters"`
	Alerts       uint64 `json:"alerts"`
}

// Detector groups reports by moment and decides bursts and floods. It is
// safe for concurrent use; it keeps only memory bounded by Rules.
type Detector struct {
	rules Rules
	mu    sync.Mutex
	rooms *lru.Cache[string, *roomState]
	// totals outlive evicted rooms (metrics).
	totals RoomReports
}

type roomState struct {
	moments []*moment
	newSeen map[string]time.Time // new reporters' latest report
	stats   RoomReports
}

type moment struct {
	session          string
	anchor, merchant string
	firstMs          int64
	fromMs, toMs     int64
	last             time.Time
	entries          []entry
	count            int
	byReporter       map[string]int // reporter -> index of their entry
	alerted          bool
}

type entry struct {
	rep   alerter.Report
	seen  time.Time
	flood bool
}

// NewDetector checks rules.
func NewDetector(rules Rules) (*Detector, error) {
	if err := rules.Validate(); err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	c, err := lru.New[string, *roomState](rules.MaxRooms)
	if err != nil {
		return nil, err
	}
	return &Detector{rules: rules, rooms: c}, nil
}

// Flooding reports whether room's breaker is tripped at now.
func (d *Detector) Flooding(room string, now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	st, ok := d.rooms.Peek(room)
	return ok && now.Before(st.stats.FloodUntil)
}

// Room returns room's figures at now.
func (d *Detector) Room(room string, now time.Time) (RoomReports, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	st, ok := d.rooms.Peek(room)
	if !ok {
		return RoomReports{}, false
	}
	out := st.stats
	out.Flood = now.Before(out.FloodUntil)
	for _, t := range st.newSeen {
		if now.Sub(t) < d.rules.FloodWindow {
			out.NewReporters++
		}
	}
	return out, true
}

// Totals adds up every room's figures since the start (rooms forgotten
// since included) and counts the rooms whose breaker is tripped now.
func (d *Detector) Totals(now time.Time) (t RoomReports, activeFloods int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, st := range d.rooms.Values() {
		if now.Before(st.stats.FloodUntil) {
			activeFloods++
		}
	}
	return d.totals, activeFloods
}

// Observe takes one accepted report, seen at now, and returns the burst
// it completes, if any: each moment raises at most one.
func (d *Detector) Observe(rep alerter.Report, now time.Time) (Burst, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	st, ok := d.rooms.Get(rep.Room)
	if !ok {
		st = &roomState{newSeen: map[string]time.Time{}}
		d.rooms.Add(rep.Room, st)
	}
	d.forget(st, now)
	e := entry{rep: rep, seen: now}
	if rep.New {
		st.newSeen[rep.Reporter] = now
		if len(st.newSeen) >= d.rules.FloodNew {
			if !now.Before(st.stats.FloodUntil) {
				st.stats.Floods++
				d.totals.Floods++
			}
			st.stats.FloodUntil = now.Add(d.rules.FloodHold)
			d.floodRecent(st, now)
		}
		e.flood = now.Before(st.stats.FloodUntil)
	}
	st.stats.Reports++
	d.totals.Reports++
	if e.flood {
		st.stats.Flooded++
		d.totals.Flooded++
	}
	m := d.momentOf(st, rep, now)
	m.count++
	m.last = now
	m.fromMs, m.toMs = min(m.fromMs, rep.AtMs), max(m.toMs, rep.AtMs)
	if _, dup := m.byReporter[rep.Reporter]; !dup && len(m.entries) < d.rules.MaxPerMoment {
		m.byReporter[rep.Reporter] = len(m.entries)
		m.entries = append(m.entries, e)
	}
	if m.alerted {
		return Burst{}, false
	}
	b := d.burst(rep.Room, m)
	if recorded(m) < d.rules.MinReporters || b.Summary.Weight < d.rules.MinWeight-1e-9 {
		return Burst{}, false
	}
	m.alerted = true
	st.stats.Alerts++
	d.totals.Alerts++
	return b, true
}

// Near returns the reports (one per reporter) of room's session whose
// moment lies within [fromMs, toMs], at most limit: the reports an alert
// stored after them corroborates.
func (d *Detector) Near(room, session string, fromMs, toMs int64, limit int) []alerter.Report {
	d.mu.Lock()
	defer d.mu.Unlock()
	st, ok := d.rooms.Peek(room)
	if !ok {
		return nil
	}
	var out []alerter.Report
	seen := map[string]bool{}
	for _, m := range st.moments {
		if session != "" && m.session != "" && m.session != session {
			continue
		}
		for _, e := range m.entries {
			if e.rep.AtMs >= fromMs && e.rep.AtMs <= toMs && !seen[e.rep.Reporter] && len(out) < limit {
				seen[e.rep.Reporter] = true
				out = append(out, e.rep)
			}
		}
	}
	return out
}

// floodRecent marks the reports of new reporters within the flood window
// as flooded: the reports that tripped the breaker weigh nothing either.
func (d *Detector) floodRecent(st *roomState, now time.Time) {
	for _, m := range st.moments {
		for i := range m.entries {
			e := &m.entries[i]
			if e.rep.New && !e.flood && now.Sub(e.seen) < d.rules.FloodWindow {
				e.flood = true
				st.stats.Flooded++
				d.totals.Flooded++
			}
		}
	}
}

// forget drops moments past the horizon and new reporters past the flood
// window.
func (d *Detector) forget(st *roomState, now time.Time) {
	st.moments = slices.DeleteFunc(st.moments, func(m *moment) bool { return now.Sub(m.last) > d.rules.Horizon })
	for r, t := range st.newSeen {
		if now.Sub(t) >= d.rules.FloodWindow {
			delete(st.newSeen, r)
		}
	}
}

func (d *Detector) momentOf(st *roomState, rep alerter.Report, now time.Time) *moment {
	for _, m := range st.moments {
		if m.session == rep.Session && abs(rep.AtMs-m.firstMs) <= d.rules.MomentMs {
			return m
		}
	}
	if len(st.moments) >= d.rules.MaxMoments {
		oldest := 0
		for i, m := range st.moments {
			if m.last.Before(st.moments[oldest].last) {
				oldest = i
			}
		}
		st.moments = slices.Delete(st.moments, oldest, oldest+1)
	}
	m := &moment{session: rep.Session, anchor: rep.Anchor, merchant: rep.Merchant, firstMs: rep.AtMs,
		fromMs: rep.AtMs, toMs: rep.AtMs, last: now, byReporter: map[string]int{}}
	st.moments = append(st.moments, m)
	return m
}

// recorded counts the moment's reporters with a record (enough decided
// reports). Only they are independent witnesses: a burst needs
// MinReporters of them, and new reporters only add their prior's weight
// to what those make, so new accounts can never raise an alert alone,
// however slowly they come (the flood breaker only sees them arrive
// together).
func recorded(m *moment) int {
	n := 0
	for _, e := range m.entries {
		if !e.rep.New {
			n++
		}
	}
	return n
}

// maxTexts bounds the reporters' words an alert quotes.
const maxTexts = 5

func (d *Detector) burst(room string, m *moment) Burst {
	b := Burst{Room: room, Session: m.session, Anchor: m.anchor, Merchant: m.merchant, MomentMs: m.firstMs}
	s := &b.Summary
	s.Reports, s.Threshold, s.FromMs, s.ToMs = m.count, d.rules.MinWeight, m.fromMs, m.toMs
	s.Categories = map[string]int{}
	corr := map[string]bool{}
	for _, e := range m.entries {
		b.Reporters = append(b.Reporters, e.rep.Reporter)
		s.Categories[e.rep.Category]++
		if e.rep.New {
			s.NewReporters++
		}
		for _, id := range e.rep.Corroborates {
			corr[id] = true
		}
		if e.flood {
			s.Flooded++
			continue
		}
		s.Reporters++
		s.Weight += e.rep.Weight
		if e.rep.Text != "" && len(s.Texts) < maxTexts {
			s.Texts = append(s.Texts, e.rep.Text)
		}
	}
	s.Corroborates = slices.Sorted(maps.Keys(corr))
	return b
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
