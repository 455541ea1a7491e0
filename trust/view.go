package trust

import (
	"cmp"
	"encoding/json"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of the window and of the history a page charts.
const (
	DefaultWindowDays  = 30
	DefaultHistoryDays = 30
	// MaxDays bounds both (the bucket keeps window + history days).
	MaxDays = 366
)

// View is every account's days in memory, fed by the bucket's watch (or a
// replay), answering scores, lists and histories. Safe for concurrent use.
type View struct {
	window, history int
	now             func() time.Time
	mu              sync.RWMutex
	days            map[Kind]map[string]map[string]Day // kind -> id -> date -> day
	revs            map[string]uint64
	ready           atomic.Bool
}

// NewView makes an empty view; window and history in days (0: defaults).
func NewView(window, history int, now func() time.Time) *View {
	if window <= 0 {
		window = DefaultWindowDays
	}
	if history <= 0 {
		history = DefaultHistoryDays
	}
	if now == nil {
		now = time.Now
	}
	return &View{window: min(window, MaxDays), history: min(history, MaxDays), now: now,
		days: map[Kind]map[string]map[string]Day{Anchor: {}, Merchant: {}}, revs: map[string]uint64{}}
}

// Window is the rolling window in days.
func (v *View) Window() int { return v.window }

// put stores a bucket value; an older revision than the one held is
// ignored (the ledger puts what it wrote before the watch echoes it).
func (v *View) put(key string, data []byte, rev uint64) {
	kind, id, date, ok := parseDayKey(key)
	if !ok {
		return
	}
	var d Day
	if json.Unmarshal(data, &d) != nil {
		return
	}
	v.set(key, kind, id, date, d, rev)
}

func (v *View) set(key string, kind Kind, id, date string, d Day, rev uint64) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if key != "" {
		if rev != 0 && v.revs[key] >= rev {
			return
		}
		v.revs[key] = rev
	}
	byID := v.days[kind][id]
	if byID == nil {
		byID = map[string]Day{}
		v.days[kind][id] = byID
	}
	d.Marks = nil
	byID[date] = d
}

// drop forgets a deleted or expired key.
func (v *View) drop(key string) {
	kind, id, date, ok := parseDayKey(key)
	if !ok {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	delete(v.revs, key)
	if byID := v.days[kind][id]; byID != nil {
		delete(byID, date)
		if len(byID) == 0 {
			delete(v.days[kind], id)
		}
	}
}

// Report is an account's score now, with the window it covers.
type Report struct {
	Kind  Kind   `json:"kind"`
	ID    string `json:"id"`
	From  string `json:"from"`
	To    string `json:"to"`
	Days  int    `json:"window_days"`
	Score        // score, formula, indicators, violations
	Seen  bool   `json:"-"`
}

// sumLocked sums id's days in [from, to]; v.mu must be held.
func (v *View) sumLocked(byID map[string]Day, from, to string) (Day, bool) {
	var sum Day
	any := false
	for date, d := range byID {
		if date >= from && date <= to {
			sum.Add(d)
			any = true
		}
	}
	return sum, any
}

// span is the window ending on day end.
func (v *View) span(end time.Time) (string, string) {
	end = end.UTC()
	return DateOf(end.AddDate(0, 0, -(v.window - 1))), DateOf(end)
}

// Account is the account's report over the window ending today; ok is
// false when the ledger has nothing about it in the window.
func (v *View) Account(kind Kind, id string) (Report, bool) {
	from, to := v.span(v.now())
	v.mu.RLock()
	sum, ok := v.sumLocked(v.days[kind][id], from, to)
	v.mu.RUnlock()
	return Report{Kind: kind, ID: id, From: from, To: to, Days: v.window, Score: Compute(sum), Seen: ok}, ok
}

// Point is one day of an account's history: the score and indicators of
// the window ending that day.
type Point struct {
	Date       string             `json:"date"`
	Score      float64            `json:"score"`
	Indicators map[string]float64 `json:"indicators"`
}

// History is the score of the window ending on each of the last days
// days (oldest first), with each indicator's value.
func (v *View) History(kind Kind, id string, days int) []Point {
	days = max(1, min(days, v.history))
	now := v.now().UTC()
	out := make([]Point, 0, days)
	v.mu.RLock()
	defer v.mu.RUnlock()
	byID := v.days[kind][id]
	for i := days - 1; i >= 0; i-- {
		from, to := v.span(now.AddDate(0, 0, -i))
		sum, _ := v.sumLocked(byID, from, to)
		s := Compute(sum)
		p := Point{Date: to, Score: s.Score, Indicators: make(map[string]float64, len(s.Indicators))}
		for _, in := range s.Indicators {
			p.Indicators[in.Name] = in.Value
		}
		out = append(out, p)
	}
	return out
}

// Sort orders of List.
const (
	SortScore   = "score"   // lowest first: who needs attention
	SortAirtime = "airtime" // most heard first
	SortID      = "id"
)

// List is every account of kind with days in the window, sorted, at most
// limit (0: all).
func (v *View) List(kind Kind, sortBy string, desc bool, limit int) []Report {
	from, to := v.span(v.now())
	v.mu.RLock()
	out := make([]Report, 0, len(v.days[kind]))
	for id, byID := range v.days[kind] {
		if sum, ok := v.sumLocked(byID, from, to); ok {
			out = append(out, Report{Kind: kind, ID: id, From: from, To: to, Days: v.window, Score: Compute(sum), Seen: true})
		}
	}
	v.mu.RUnlock()
	slices.SortFunc(out, func(a, b Report) int {
		var c int
		switch sortBy {
		case SortAirtime:
			c = cmp.Compare(airtime(a), airtime(b))
		case SortID:
			c = 0
		default:
			c = cmp.Compare(a.Score.Score, b.Score.Score)
		}
		if desc {
			c = -c
		}
		return cmp.Or(c, cmp.Compare(a.ID, b.ID))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

func airtime(r Report) float64 {
	in, _ := r.Get("airtime_hours")
	return in.Value
}

// IDs lists the accounts of kind the view holds any day of.
func (v *View) IDs(kind Kind) []string {
	v.mu.RLock()
	defer v.mu.RUnlock()
	out := make([]string, 0, len(v.days[kind]))
	for id := range v.days[kind] {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// MarkReady says the view holds what the bucket held when it started
// (Watch calls it once the initial values are in).
func (v *View) MarkReady() { v.ready.Store(true) }

// Ready reports whether MarkReady was called.
func (v *View) Ready() bool { return v.ready.Load() }

// SetDay stores an account's day as if the bucket held it (seeding a
// view in tests and imports; the ledger's own writes go through the
// bucket).
func (v *View) SetDay(kind Kind, id string, d Day) {
	v.set("", kind, id, d.Date, d, 0)
}

// Prune forgets days older than the window and history (the bucket
// expires them without telling its watchers).
func (v *View) Prune() {
	oldest := DateOf(v.now().UTC().AddDate(0, 0, -(v.window + v.history + 1)))
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, byKind := range v.days {
		for id, byID := range byKind {
			for date := range byID {
				if date < oldest {
					delete(byID, date)
				}
			}
			if len(byID) == 0 {
				delete(byKind, id)
			}
		}
	}
}
