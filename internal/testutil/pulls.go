package testutil

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// Pulls records spans of work per key (a room's pulls, as the source sees
// them), so a test can count them and find two that overlap. Safe for
// concurrent use.
type Pulls struct {
	mu    sync.Mutex
	spans map[string][]span
}

type span struct{ start, end time.Time } // end zero: running

// Begin records the start of a span of key; the func it returns ends it.
func (p *Pulls) Begin(key string) (end func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.spans == nil {
		p.spans = map[string][]span{}
	}
	i := len(p.spans[key])
	p.spans[key] = append(p.spans[key], span{start: time.Now()})
	return func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.spans[key][i].end = time.Now()
	}
}

// Report gives how many spans each key had and the longest time two spans
// of one key overlapped (and that key), counting only pairs both of which
// ran at or after since.
func (p *Pulls) Report(since time.Time) (starts map[string]int, overlap time.Duration, key string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	endOf := func(s span) time.Time {
		if s.end.IsZero() {
			return now
		}
		return s.end
	}
	starts = map[string]int{}
	for k, list := range p.spans {
		starts[k] = len(list)
		for i := range list {
			for j := i + 1; j < len(list); j++ {
				ei, ej := endOf(list[i]), endOf(list[j])
				if ei.Before(since) || ej.Before(since) {
					continue
				}
				start, end := list[i].start, ei
				if list[j].start.After(start) {
					start = list[j].start
				}
				if ej.Before(end) {
					end = ej
				}
				if d := end.Sub(start); d > overlap {
					overlap, key = d, k
				}
			}
		}
	}
	return starts, overlap, key
}

// Ended is the latest end, after t0, of key's spans begun before t0, and
// the first and last start of its spans begun after t0 (zero when none).
func (p *Pulls) Ended(key string, t0 time.Time) (lastEnd, firstStart, lastStart time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.spans[key] {
		if s.start.Before(t0) && !s.end.IsZero() {
			lastEnd = max(lastEnd, s.end.Sub(t0))
		}
		if d := s.start.Sub(t0); d > 0 {
			if firstStart == 0 || d < firstStart {
				firstStart = d
			}
			lastStart = max(lastStart, d)
		}
	}
	return lastEnd, firstStart, lastStart
}

// Show lists key's spans in seconds from t0.
func (p *Pulls) Show(key string, t0 time.Time) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, s := range p.spans[key] {
		end := "running"
		if !s.end.IsZero() {
			end = fmt.Sprintf("%.2fs", s.end.Sub(t0).Seconds())
		}
		out = append(out, fmt.Sprintf("[%.2fs, %s]", s.start.Sub(t0).Seconds(), end))
	}
	return strings.Join(out, " ")
}

// SameCounts reports whether two Report counts are equal.
func SameCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
