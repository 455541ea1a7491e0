package store

import (
	"encoding/json"
	"fmt"
	"time"
)

// run is the single writer: it batches queued records by count and time,
// answers flush requests in queue order, and enforces retention.
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
	var pending []Record
	for {
		select {
		case o := <-s.queue:
			if o.flush != nil {
				o.flush <- s.commit(pending)
				pending = pending[:0]
				continue
			}
			pending = append(pending, o.rec)
			if len(pending) >= s.opts.BatchSize {
				_ = s.commit(pending)
				pending = pending[:0]
			}
		case <-batch.C:
			if len(pending) > 0 {
				_ = s.commit(pending)
				pending = pending[:0]
			}
		case <-retention:
			s.dropExpired()
		case <-s.stop:
			s.drain(pending)
			return
		}
	}
}

// drain indexes what is still queued at Close and fails pending flushes.
func (s *Store) drain(pending []Record) {
	for {
		select {
		case o := <-s.queue:
			if o.flush != nil {
				o.flush <- s.commit(pending)
				pending = pending[:0]
				continue
			}
			pending = append(pending, o.rec)
		default:
			_ = s.commit(pending)
			return
		}
	}
}

// commit writes recs, one batch per day partition. Records older than the
// retention are skipped: their partition would be dropped anyway.
func (s *Store) commit(recs []Record) error {
	if len(recs) == 0 {
		return nil
	}
	byDay := map[string][]Record{}
	cutoff := s.cutoffDay()
	for _, r := range recs {
		day := r.At.UTC().Format(dayLayout)
		if cutoff != "" && day < cutoff {
			s.expired.Add(1)
			continue
		}
		byDay[day] = append(byDay[day], r)
	}
	var firstErr error
	for day, rs := range byDay {
		if err := s.commitDay(day, rs); err != nil {
			s.failed.Add(uint64(len(rs)))
			s.opts.Logger.Error("transcript store: batch failed", "partition", day, "records", len(rs), "err", err)
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		s.indexed.Add(uint64(len(rs)))
	}
	return firstErr
}

func (s *Store) commitDay(day string, recs []Record) error {
	if _, err := s.partition(day); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	idx, ok := s.parts[day]
	if !ok {
		return fmt.Errorf("partition %s dropped while writing", day)
	}
	b := idx.NewBatch()
	for _, r := range recs {
		d, err := toDoc(r)
		if err != nil {
			return err
		}
		if err := b.Index(r.ID, d); err != nil {
			return fmt.Errorf("record %s: %w", r.ID, err)
		}
	}
	return idx.Batch(b)
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
