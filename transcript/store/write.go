package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// errPermanent marks a record the index can never take (it is counted as
// Failed and dropped, not retried).
var errPermanent = errors.New("record cannot be indexed")

// writer is the state of the single writer goroutine.
type writer struct {
	pending  []Record // added, or failed and kept for the next try, oldest first
	retryAt  time.Time
	backoff  time.Duration
	failures int
	// noSpace: the last failure was the disk short of MinFree, so the next
	// tick that finds room retries without waiting out the backoff.
	noSpace bool
}

// run is the single writer: it batches queued records by count and time,
// answers flush requests in queue order, retries failed batches with
// backoff, and enforces retention.
func (s *Store) run() {
	defer close(s.done)
	batch := time.NewTicker(s.opts.BatchEvery)
	defer batch.Stop()
	var retention <-chan time.Time
	if s.opts.Retention > 0 {
		t := time.NewTicker(s.opts.RetentionEvery)
		defer t.Stop()
		retention = t.C
	}
	w := &writer{}
	for {
		select {
		case o := <-s.queue:
			if o.flush != nil {
				o.flush <- s.write(w, true)
				continue
			}
			s.keep(w, o.rec)
			if len(w.pending) >= s.opts.BatchSize && w.failures == 0 {
				_ = s.write(w, false)
			}
		case <-batch.C:
			if len(w.pending) > 0 {
				_ = s.write(w, false)
			}
			s.reopenUnopened()
		case <-retention:
			s.dropExpired()
		case <-s.stop:
			s.drain(w)
			return
		}
	}
}

// keep appends rec to the pending records; past QueueSize (only while
// batches fail) the oldest is dropped and counted.
func (s *Store) keep(w *writer, rec Record) {
	w.pending = append(w.pending, rec)
	if over := len(w.pending) - s.opts.QueueSize; over > 0 {
		s.dropped.Add(uint64(over))
		s.opts.Logger.Warn("transcript store: dropping records kept for retry", "dropped", over)
		w.pending = append(w.pending[:0], w.pending[over:]...)
	}
}

// drain indexes what is still queued at Close and answers pending flushes.
func (s *Store) drain(w *writer) {
	for {
		select {
		case o := <-s.queue:
			if o.flush != nil {
				o.flush <- s.write(w, true)
				continue
			}
			s.keep(w, o.rec)
		default:
			if err := s.write(w, true); err != nil {
				s.dropped.Add(uint64(len(w.pending)))
				s.opts.Logger.Error("transcript store: records not written at close", "records", len(w.pending), "err", err)
			}
			return
		}
	}
}

// write tries the pending records unless a retry is not due yet (force
// tries anyway: a flush wants the answer now). Failed records stay pending,
// in order; the store's health says how it went.
func (s *Store) write(w *writer, force bool) error {
	if len(w.pending) == 0 {
		s.health.set(nil, 0, s.opts.Now())
		return nil
	}
	now := time.Now()
	if !force && w.failures > 0 && now.Before(w.retryAt) && (!w.noSpace || s.lowOnSpace()) {
		_, _, err := s.health.get()
		return err
	}
	if w.failures > 0 {
		s.retried.Add(1)
	}
	kept, err := s.commit(w.pending)
	w.pending = append(w.pending[:0], kept...)
	w.noSpace = errors.Is(err, ErrNoSpace)
	if err == nil {
		if w.failures > 0 {
			s.opts.Logger.Info("transcript store: writing again", "after_failures", w.failures)
		}
		w.failures, w.backoff = 0, 0
	} else {
		w.failures++
		w.backoff = min(max(2*w.backoff, s.opts.RetryEvery), s.opts.RetryMax)
		w.retryAt = now.Add(w.backoff)
		if w.failures == 1 || w.failures%20 == 0 {
			s.opts.Logger.Error("transcript store: batch failed; records kept and retried",
				"records", len(w.pending), "failures", w.failures, "retry_in", w.backoff, "err", err)
		}
	}
	s.health.set(err, len(w.pending), s.opts.Now())
	return err
}

// commit writes recs, one batch per day partition, and returns the records
// to try again. Records older than the retention are skipped: their
// partition would be dropped anyway.
func (s *Store) commit(recs []Record) (kept []Record, err error) {
	if err := s.roomToWrite(); err != nil {
		return recs, err // do not let bleve find out halfway through a segment
	}
	byDay := map[string][]Record{}
	var days []string
	cutoff := s.cutoffDay()
	for _, r := range recs {
		day := r.At.UTC().Format(dayLayout)
		if cutoff != "" && day < cutoff {
			s.expired.Add(1)
			continue
		}
		if _, ok := byDay[day]; !ok {
			days = append(days, day)
		}
		byDay[day] = append(byDay[day], r)
	}
	var errs []error
	for _, day := range days {
		rs := byDay[day]
		if err := s.commitDay(day, rs); err != nil {
			if errors.Is(err, errPermanent) {
				s.failed.Add(uint64(len(rs)))
				s.opts.Logger.Error("transcript store: records refused", "partition", day, "records", len(rs), "err", err)
				continue
			}
			kept = append(kept, rs...)
			errs = append(errs, err)
			continue
		}
		s.indexed.Add(uint64(len(rs)))
	}
	return kept, errors.Join(errs...)
}

func (s *Store) commitDay(day string, recs []Record) error {
	if _, err := s.partition(day); err != nil {
		return err
	}
	s.mu.RLock()
	p, ok := s.parts[day]
	if !ok {
		s.mu.RUnlock()
		return fmt.Errorf("partition %s dropped while writing", day)
	}
	b := p.NewBatch()
	for _, r := range recs {
		d, err := toDoc(r)
		if err == nil {
			err = b.Index(r.ID, d)
		}
		if err != nil {
			s.mu.RUnlock()
			return fmt.Errorf("%w: record %s: %w", errPermanent, r.ID, err)
		}
	}
	s.health.batchStarted(time.Now())
	err := p.batch(b)
	s.health.batchEnded()
	s.mu.RUnlock()
	if err != nil {
		// Whatever bleve kept in memory of a failed batch is suspect (the
		// next batch may panic on it): start again from what is on disk.
		s.reopen(day, p, err)
		return fmt.Errorf("transcript store: partition %s: %w", day, err)
	}
	return nil
}

// reopen closes p and opens day's partition again from its files. If they do
// not open, the partition is quarantined; if space is short it stays closed
// until there is room (reopenUnopened).
func (s *Store) reopen(day string, p *partition, cause error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.parts[day] != p || s.closed {
		return
	}
	s.alias.Remove(p)
	delete(s.parts, day)
	if err := closeIndex(p.bleveIndex); err != nil {
		s.opts.Logger.Warn("transcript store: closing partition after a failed batch", "partition", day, "err", err)
	}
	s.openLocked(day, cause)
}

// openLocked opens day's existing partition, or quarantines it or leaves it
// for later as openExisting does. The caller holds mu.
func (s *Store) openLocked(day string, cause error) {
	idx, err := openIndex(filepath.Join(s.opts.Dir, day), false)
	switch {
	case err == nil:
		s.addLocked(day, idx)
	case s.lowOnSpace() || os.IsPermission(err):
		s.unopened[day] = err
	default:
		s.quarantineLocked(day, fmt.Errorf("%w (after %v)", err, cause))
	}
}

// reopenUnopened retries the partitions left closed for lack of space.
func (s *Store) reopenUnopened() {
	s.mu.RLock()
	n := len(s.unopened)
	s.mu.RUnlock()
	if n == 0 || s.lowOnSpace() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for day, err := range s.unopened {
		if s.closed {
			return
		}
		delete(s.unopened, day)
		s.openLocked(day, err)
		if _, ok := s.parts[day]; ok {
			s.opts.Logger.Info("transcript store: partition open again", "partition", day)
		}
	}
}

func toDoc(r Record) (doc, error) {
	raw, err := json.Marshal(r)
	if err != nil {
		return doc{}, fmt.Errorf("record %s: %w", r.ID, err)
	}
	d := doc{Text: r.Text, TextZh: r.Text, Pinyin: r.Text, Room: r.Room, Anchor: r.Anchor, Merchant: r.Merchant, Session: r.Session,
		Recognizer: r.Recognizer, Lang: r.Lang, At: r.At.UTC().Format(time.RFC3339Nano),
		StartMs: float64(r.StartMs), EndMs: float64(r.EndMs), Raw: string(raw)}
	for _, h := range r.Hits {
		d.Category = appendNew(d.Category, h.Category)
		d.Rule = appendNew(d.Rule, h.RuleID)
		d.Severity = appendNew(d.Severity, h.Severity)
	}
	return d, nil
}

func appendNew(ss []string, s string) []string {
	if s == "" {
		return ss
	}
	for _, x := range ss {
		if x == s {
			return ss
		}
	}
	return append(ss, s)
}
