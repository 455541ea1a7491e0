package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// quarantineSuffix joins a partition's day and the time it was moved aside:
// 2026-03-10.quarantined-20260311T080000Z. Such a directory no longer parses
// as a day, so it is never opened again, and retention removes it with its
// day.
const (
	quarantineSuffix = ".quarantined-"
	quarantineLayout = "20060102T150405Z"
)

// Quarantine is a damaged partition moved aside: it is not searched, and
// new records for its day go to a new, empty partition. Its files are kept
// for whoever wants to look at them (or rebuild from them).
type Quarantine struct {
	Partition string    `json:"partition"` // the day
	Path      string    `json:"path"`      // where the files are now
	Reason    string    `json:"reason"`
	At        time.Time `json:"at"`
}

// Quarantined lists the partitions moved aside, by this process or found
// moved aside at Open, oldest first.
func (s *Store) Quarantined() []Quarantine {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := append([]Quarantine(nil), s.quarantined...)
	sort.Slice(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

func (s *Store) parseQuarantined(name string) (Quarantine, bool) {
	day, stamp, ok := strings.Cut(name, quarantineSuffix)
	if !ok {
		return Quarantine{}, false
	}
	if _, err := time.Parse(dayLayout, day); err != nil {
		return Quarantine{}, false
	}
	at, err := time.Parse(quarantineLayout, stamp)
	if err != nil {
		return Quarantine{}, false
	}
	return Quarantine{Partition: day, Path: filepath.Join(s.opts.Dir, name), At: at,
		Reason: "moved aside by an earlier run"}, true
}

// quarantineLocked takes day's partition out of service and moves its
// directory aside; it reports whether the directory was moved. The caller
// holds mu (or is Open).
func (s *Store) quarantineLocked(day string, cause error) bool {
	if p, ok := s.parts[day]; ok {
		s.alias.Remove(p)
		delete(s.parts, day)
		_ = closeIndex(p.bleveIndex) // damaged: its close may fail too
	}
	delete(s.unopened, day)
	now := s.opts.Now().UTC()
	from := filepath.Join(s.opts.Dir, day)
	to := from + quarantineSuffix + now.Format(quarantineLayout)
	for n := 2; ; n++ { // two in one second: keep both
		if _, err := os.Lstat(to); os.IsNotExist(err) {
			break
		}
		to = from + quarantineSuffix + now.Format(quarantineLayout) + "-" + strconv.Itoa(n)
	}
	if err := os.Rename(from, to); err != nil {
		s.opts.Logger.Error("transcript store: damaged partition could not be moved aside; it stays out of service",
			"partition", day, "cause", cause, "err", err)
		return false
	}
	s.quarantined = append(s.quarantined, Quarantine{Partition: day, Path: to, Reason: cause.Error(), At: now})
	s.opts.Logger.Error("transcript store: damaged partition quarantined; its day continues in a new partition",
		"partition", day, "moved_to", to, "cause", cause)
	return true
}

// suspectDamage is a partition's report of a panic. It runs inside a
// search holding mu.RLock, so it only hands the day to the checker.
func (s *Store) suspectDamage(day string, err error) {
	s.opts.Logger.Error("transcript store: bleve panicked reading a partition; verifying it", "partition", day, "err", err)
	select {
	case s.suspect <- day:
	default: // the checker has a backlog: it will get to this day again
	}
}

// check verifies the segment checksums of days (newest first, the ones
// most likely written when a crash or a full disk hit), then of every day a
// search reported, and quarantines what fails. It runs until Close, apart
// from the writer, so a large store starts serving at once and a long
// verification never holds up a batch.
func (s *Store) check(days []string) {
	defer close(s.checked)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	for i := len(days) - 1; i >= 0; i-- {
		if ctx.Err() != nil {
			return
		}
		s.verifyDay(ctx, days[i], false)
	}
	for {
		select {
		case <-s.stop:
			return
		case day := <-s.suspect:
			s.verifyDay(ctx, day, true)
		}
	}
}

// verifyDay checks one partition and quarantines it when damaged. After a
// search panic (reported) a partition whose checksums hold is kept: the
// panic may be bleve's own bug, and moving good data aside would not help.
func (s *Store) verifyDay(ctx context.Context, day string, reported bool) {
	s.mu.RLock()
	p, ok := s.parts[day]
	s.mu.RUnlock()
	if !ok {
		return
	}
	err := verify(ctx, p.bleveIndex)
	switch {
	case ctx.Err() != nil:
		return
	case err == nil:
		if reported {
			s.opts.Logger.Error("transcript store: partition checksums hold after a panic; keeping it", "partition", day)
		}
		return
	case !errors.Is(err, ErrDamaged):
		s.opts.Logger.Error("transcript store: could not verify partition", "partition", day, "err", err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.parts[day] != p || s.closed {
		return // dropped, replaced or closed meanwhile
	}
	s.quarantineLocked(day, err)
}
