package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// dayLayout names a partition: one index per UTC day of Record.At.
const dayLayout = "2006-01-02"

// ErrClosed is returned by Flush and searches once the store is closed.
var ErrClosed = errors.New("transcript store is closed")

// Options configure a Store. Zero values take the defaults.
type Options struct {
	// Dir holds one bleve index per UTC day.
	Dir string
	// Retention drops partitions whose whole day is older than this;
	// 0 keeps everything.
	Retention time.Duration
	// RetentionEvery is how often retention runs; default 1 h.
	RetentionEvery time.Duration
	// QueueSize bounds records waiting to be indexed; beyond it Add drops
	// and counts. Default 8192.
	QueueSize int
	// BatchSize and BatchEvery: a batch is written every BatchSize records
	// or BatchEvery, whichever comes first. Defaults 512 and 250 ms.
	BatchSize  int
	BatchEvery time.Duration
	// Now is the clock (tests); default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

func (o *Options) defaults() {
	if o.RetentionEvery <= 0 {
		o.RetentionEvery = time.Hour
	}
	if o.QueueSize <= 0 {
		o.QueueSize = 8192
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 512
	}
	if o.BatchEvery <= 0 {
		o.BatchEvery = 250 * time.Millisecond
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Stats counts what the store did with the records it was given.
type Stats struct {
	Indexed uint64 `json:"indexed"`
	// Dropped: the queue was full or the store closed.
	Dropped uint64 `json:"dropped"`
	// Expired: older than retention when they arrived.
	Expired uint64 `json:"expired"`
	// Failed: the index refused the batch (logged).
	Failed     uint64 `json:"failed"`
	Partitions int    `json:"partitions"`
}

// Store is the on-disk transcript index. It is safe for concurrent use.
//
// Lock order: mu only. Index reads and batch writes hold mu.RLock; opening
// and dropping partitions hold mu.Lock, so a partition is never closed under
// a running search or batch.
type Store struct {
	opts  Options
	queue chan op
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once

	mu     sync.RWMutex
	parts  map[string]bleve.Index // by day
	alias  bleve.IndexAlias
	closed bool

	indexed, dropped, expired, failed atomic.Uint64
}

type op struct {
	rec   Record
	flush chan error // non-nil: a flush request, not a record
}

// Open opens (or creates) the store under opts.Dir and starts its writer
// and, with a retention, its retention loop; both stop at Close.
func Open(opts Options) (*Store, error) {
	opts.defaults()
	if opts.Dir == "" {
		return nil, errors.New("transcript store: Dir is required")
	}
	if err := os.MkdirAll(opts.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("transcript store: %w", err)
	}
	s := &Store{opts: opts, queue: make(chan op, opts.QueueSize), stop: make(chan struct{}),
		done: make(chan struct{}), parts: map[string]bleve.Index{}, alias: bleve.NewIndexAlias()}
	if err := s.openExisting(); err != nil {
		s.closeIndexes()
		return nil, err
	}
	s.dropExpired()
	go s.run()
	return s, nil
}

func (s *Store) openExisting() error {
	entries, err := os.ReadDir(s.opts.Dir)
	if err != nil {
		return fmt.Errorf("transcript store: %w", err)
	}
	for _, e := range entries {
		if _, err := time.Parse(dayLayout, e.Name()); err != nil || !e.IsDir() {
			continue // not a partition
		}
		idx, err := bleve.Open(filepath.Join(s.opts.Dir, e.Name()))
		if err != nil {
			return fmt.Errorf("transcript store: opening partition %s: %w", e.Name(), err)
		}
		s.parts[e.Name()] = idx
		s.alias.Add(idx)
	}
	return nil
}

// Add queues rec for indexing without blocking: when the queue is full (or
// the store closed) the record is dropped and counted. Empty ID and zero At
// are filled in.
func (s *Store) Add(rec Record) {
	if rec.ID == "" {
		rec.ID = RecordID(rec.Room, rec.Session, rec.Utterance)
	}
	if rec.At.IsZero() {
		rec.At = s.opts.Now()
	}
	select {
	case <-s.stop:
		s.dropped.Add(1)
		return
	default:
	}
	select {
	case s.queue <- op{rec: rec}:
	default:
		s.dropped.Add(1)
	}
}

// RecordID is the stable id of utterance n of a room's session.
func RecordID(room, session string, n uint64) string {
	return fmt.Sprintf("%s.%s.%d", room, session, n)
}

// Flush returns once every record added before it is indexed and visible
// to searches.
func (s *Store) Flush(ctx context.Context) error {
	done := make(chan error, 1)
	select {
	case <-s.stop:
		return ErrClosed
	default:
	}
	select {
	case s.queue <- op{flush: done}:
	case <-s.stop:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-done:
		return err
	case <-s.done:
		return ErrClosed // the writer ended before reaching this flush
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close indexes what is queued, stops the background work and closes every
// partition. ctx bounds the wait for the final batch.
func (s *Store) Close(ctx context.Context) error {
	s.once.Do(func() { close(s.stop) })
	var err error
	select {
	case <-s.done:
	case <-ctx.Done():
		err = fmt.Errorf("transcript store: closing: %w", ctx.Err())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		err = errors.Join(err, s.closeIndexesLocked())
	}
	return err
}

func (s *Store) closeIndexes() {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.closeIndexesLocked()
}

func (s *Store) closeIndexesLocked() error {
	var errs []error
	for day, idx := range s.parts {
		s.alias.Remove(idx)
		if err := idx.Close(); err != nil {
			errs = append(errs, fmt.Errorf("closing partition %s: %w", day, err))
		}
		delete(s.parts, day)
	}
	return errors.Join(errs...)
}

// Stats reports counters and the number of partitions.
func (s *Store) Stats() Stats {
	s.mu.RLock()
	n := len(s.parts)
	s.mu.RUnlock()
	return Stats{Indexed: s.indexed.Load(), Dropped: s.dropped.Load(), Expired: s.expired.Load(),
		Failed: s.failed.Load(), Partitions: n}
}

// Partitions lists the days held, oldest first.
func (s *Store) Partitions() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	days := make([]string, 0, len(s.parts))
	for d := range s.parts {
		days = append(days, d)
	}
	sort.Strings(days)
	return days
}

// partition returns the index of day, creating it when missing. The caller
// must not hold mu.
func (s *Store) partition(day string) (bleve.Index, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	if idx, ok := s.parts[day]; ok {
		return idx, nil
	}
	path := filepath.Join(s.opts.Dir, day)
	idx, err := bleve.NewUsing(path, newMapping(), scorch.Name, scorch.Name, nil)
	if errors.Is(err, bleve.ErrorIndexPathExists) {
		idx, err = bleve.Open(path)
	}
	if err != nil {
		return nil, fmt.Errorf("transcript store: partition %s: %w", day, err)
	}
	s.parts[day] = idx
	s.alias.Add(idx)
	return idx, nil
}
