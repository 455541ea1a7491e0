package store

import (
	"os"
	"path/filepath"
)

// cutoffDay is the oldest day still kept, or "" with no retention. A day
// is dropped once all of it is older than the retention.
func (s *Store) cutoffDay() string {
	if s.opts.Retention <= 0 {
		return ""
	}
	// Day D covers [D, D+24h): it is kept while D+24h > now-retention,
	// that is from the day holding now-retention on.
	return s.opts.Now().UTC().Add(-s.opts.Retention).Format(dayLayout)
}

// dropExpired closes and deletes every partition older than the retention,
// quarantined ones included: retention is a promise about the data, damaged
// or not.
func (s *Store) dropExpired() {
	cutoff := s.cutoffDay()
	if cutoff == "" {
		return
	}
	for _, day := range s.Partitions() {
		if day >= cutoff {
			break // sorted: the rest are newer
		}
		s.dropPartition(day)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for day := range s.unopened {
		if day < cutoff {
			delete(s.unopened, day)
			s.removeExpiredLocked(day, filepath.Join(s.opts.Dir, day))
		}
	}
	kept := s.quarantined[:0]
	for _, q := range s.quarantined {
		if q.Partition < cutoff {
			s.removeExpiredLocked(q.Partition, q.Path)
			continue
		}
		kept = append(kept, q)
	}
	s.quarantined = kept
}

func (s *Store) removeExpiredLocked(day, path string) {
	if err := os.RemoveAll(path); err != nil {
		s.opts.Logger.Warn("transcript store: deleting expired partition", "partition", day, "path", path, "err", err)
		return
	}
	s.opts.Logger.Info("transcript store: dropped expired partition", "partition", day, "path", path)
}

func (s *Store) dropPartition(day string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	idx, ok := s.parts[day]
	if !ok {
		return
	}
	// Remove waits for searches running through the alias; mu (held)
	// keeps out searches over a subset and batches.
	s.alias.Remove(idx)
	delete(s.parts, day)
	if err := closeIndex(idx.bleveIndex); err != nil {
		s.opts.Logger.Warn("transcript store: closing expired partition", "partition", day, "err", err)
	}
	if err := os.RemoveAll(filepath.Join(s.opts.Dir, day)); err != nil {
		s.opts.Logger.Warn("transcript store: deleting expired partition", "partition", day, "err", err)
		return
	}
	s.opts.Logger.Info("transcript store: dropped expired partition", "partition", day)
}
