package cases

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/earshot/earshot/alerter"
)

// Filter selects cases of the queue; zero fields do not filter.
type Filter struct {
	Category, Room, Anchor, Merchant, Assignee string
	// State is a State, or "assigned" / "unassigned" (open cases with or
	// without an assignee), or "decided" (confirmed or dismissed).
	State string
	// MaxAge keeps cases whose first hit is at most this old; MinAge those
	// at least this old (waiting longer than a target).
	MaxAge, MinAge time.Duration
	// Limit keeps the first Limit of the queue; default DefaultLimit, at
	// most MaxLimit.
	Limit int
}

// List limits.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// FilterStates are the values Filter.State takes.
var FilterStates = []string{string(StateOpen), "assigned", "unassigned", "decided", string(StateConfirmed), string(StateDismissed)}

// Validate names the first field that is wrong.
func (f Filter) Validate() error {
	switch {
	case f.State != "" && !slices.Contains(FilterStates, f.State):
		return fmt.Errorf("%w: state %q: want one of %s", ErrInvalid, f.State, strings.Join(FilterStates, ", "))
	case f.Category != "" && alerter.ValidCategory(f.Category) != nil:
		return fmt.Errorf("%w: category: %w", ErrInvalid, alerter.ValidCategory(f.Category))
	case f.Room != "" && alerter.ValidRoomID(f.Room) != nil:
		return fmt.Errorf("%w: room: %w", ErrInvalid, alerter.ValidRoomID(f.Room))
	case f.MaxAge < 0 || f.MinAge < 0:
		return fmt.Errorf("%w: age: want a positive duration", ErrInvalid)
	case f.Limit < 0 || f.Limit > MaxLimit:
		return fmt.Errorf("%w: limit %d: want 1 to %d", ErrInvalid, f.Limit, MaxLimit)
	}
	return nil
}

func (f Filter) match(c *Case, now time.Time) bool {
	age := now.Sub(c.FirstAt)
	switch {
	case f.Category != "" && !slices.Contains(c.Categories, f.Category),
		f.Room != "" && c.Room != f.Room,
		f.Anchor != "" && c.Anchor != f.Anchor,
		f.Merchant != "" && c.Merchant != f.Merchant,
		f.Assignee != "" && c.Assignee != f.Assignee,
		f.MaxAge > 0 && age > f.MaxAge,
		f.MinAge > 0 && age < f.MinAge:
		return false
	}
	switch f.State {
	case "":
		return true
	case "assigned":
		return c.State == StateOpen && c.Assignee != ""
	case "unassigned":
		return c.State == StateOpen && c.Assignee == ""
	case "decided":
		return c.Decided()
	}
	return string(c.State) == f.State
}

// List returns the queue's first f.Limit cases matching f, in queue order
// (escalation, severity, age), without their hits, and how many matched.
func (s *Store) List(f Filter) ([]Case, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	now := s.opts.Now()
	// Keep the best limit matches in order while scanning: a listing costs
	// one comparison for most cases instead of a sort of every match.
	top := make([]*Case, 0, min(limit, 64))
	total := 0
	s.mu.RLock()
	for _, c := range s.index {
		if !f.match(c, now) {
			continue
		}
		total++
		if len(top) == limit && queueLess(c, top[len(top)-1]) >= 0 {
			continue
		}
		i, _ := slices.BinarySearchFunc(top, c, queueLess)
		if len(top) == limit {
			top = top[:len(top)-1]
		}
		top = slices.Insert(top, i, c)
	}
	out := make([]Case, len(top))
	for i, c := range top {
		out[i] = *c
	}
	s.mu.RUnlock()
	return out, total, nil
}

// CategoryStats is how long cases of one category took to decide, from
// their first hit to the decision.
type CategoryStats struct {
	Category  string `json:"category"`
	Open      int    `json:"open"`
	Confirmed int    `json:"confirmed"`
	Dismissed int    `json:"dismissed"`
	// Seconds of every decided case, for percentiles and histograms.
	Seconds []float64 `json:"-"`
}

// Percentile of the decided cases' decision times (0 with none).
func (c CategoryStats) Percentile(p float64) float64 {
	if len(c.Seconds) == 0 {
		return 0
	}
	i := int(p*float64(len(c.Seconds)-1) + 0.5)
	return c.Seconds[min(max(i, 0), len(c.Seconds)-1)]
}

// Mean decision time in seconds (0 with none).
func (c CategoryStats) Mean() float64 {
	if len(c.Seconds) == 0 {
		return 0
	}
	var sum float64
	for _, s := range c.Seconds {
		sum += s
	}
	return sum / float64(len(c.Seconds))
}

// Stats counts the indexed cases per category (a case with hits of
// several categories counts under each), with the sorted decision times
// of the decided ones.
func (s *Store) Stats() []CategoryStats {
	by := map[string]*CategoryStats{}
	s.mu.RLock()
	for _, c := range s.index {
		for _, cat := range c.Categories {
			st := by[cat]
			if st == nil {
				st = &CategoryStats{Category: cat}
				by[cat] = st
			}
			switch c.State {
			case StateConfirmed:
				st.Confirmed++
			case StateDismissed:
				st.Dismissed++
			default:
				st.Open++
			}
			if c.Decided() {
				st.Seconds = append(st.Seconds, max(0, c.DecidedAt.Sub(c.FirstAt).Seconds()))
			}
		}
	}
	s.mu.RUnlock()
	out := make([]CategoryStats, 0, len(by))
	for _, st := range by {
		sort.Float64s(st.Seconds)
		out = append(out, *st)
	}
	slices.SortFunc(out, func(a, b CategoryStats) int { return strings.Compare(a.Category, b.Category) })
	return out
}

// ValidID reports whether id can be a case id (an alert id): 1 to 64
// bytes of [A-Za-z0-9_-].
func ValidID(id string) error {
	if id == "" || len(id) > 64 {
		return fmt.Errorf("%w: case id %q: want 1 to 64 bytes", ErrInvalid, id)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return fmt.Errorf("%w: case id %q: byte %q at %d is not in [A-Za-z0-9_-]", ErrInvalid, id, c, i)
		}
	}
	return nil
}

func validBy(by string) error {
	switch {
	case strings.TrimSpace(by) == "":
		return fmt.Errorf("%w: by: say who (the token's subject)", ErrInvalid)
	case len(by) > MaxByBytes:
		return fmt.Errorf("%w: by: longer than %d bytes", ErrInvalid, MaxByBytes)
	case !utf8.ValidString(by) || strings.ContainsFunc(by, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return fmt.Errorf("%w: by: not printable UTF-8", ErrInvalid)
	}
	return nil
}

func validNote(text string, required bool) error {
	switch {
	case required && strings.TrimSpace(text) == "":
		return fmt.Errorf("%w: note: empty", ErrInvalid)
	case len(text) > MaxNoteBytes:
		return fmt.Errorf("%w: note: longer than %d bytes", ErrInvalid, MaxNoteBytes)
	case !utf8.ValidString(text):
		return fmt.Errorf("%w: note: not valid UTF-8", ErrInvalid)
	}
	return nil
}
