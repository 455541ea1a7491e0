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
	// MinFree is the space the file system holding Dir must keep free:
	// below it a batch is not handed to bleve (whose background persister
	// does not recover from a write cut short) but kept and retried, and
	// Ready reports the store unwritable. Default 8 MiB.
	MinFree uint64
	// RetryEvery is the wait before a failed batch is tried again; it
	// doubles after each failure up to RetryMax. Defaults 250 ms and 5 s.
	RetryEvery, RetryMax time.Duration
	// Search bounds what one search may cost (cost.go).
	Search SearchLimits
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
	if o.MinFree == 0 {
		o.MinFree = 8 << 20
	}
	if o.RetryEvery <= 0 {
		o.RetryEvery = 250 * time.Millisecond
	}
	if o.RetryMax < o.RetryEvery {
		o.RetryMax = max(5*time.Second, o.RetryEvery)
	}
	o.Search = o.Search.withDefaults()
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
	// Failed: the index refused a record for good (logged).
	Failed uint64 `json:"failed"`
	// Retried counts batches tried again after a failure; Waiting is the
	// records kept for the next try.
	Retried    uint64 `json:"retried"`
	Waiting    int    `json:"waiting"`
	Partitions int    `json:"partitions"`
	// Quarantined counts damaged partitions moved aside (Quarantined()).
	Quarantined int `json:"quarantined"`
}

// Store is the on-disk transcript index. It is safe for concurrent use.
//
// Lock order: mu, and health.mu on its own (never held with mu). Index
// reads and batch writes hold mu.RLock; opening, dropping and quarantining
// partitions hold mu.Lock, so a partition is never closed under a running
// search or batch.
type Store struct {
	opts  Options
	queue chan op
	stop  chan struct{}
	done  chan struct{} // the writer ended
	once  sync.Once
	// suspect receives days whose partition panicked in a search; the
	// checker verifies them (partition.go, quarantine.go).
	suspect chan string
	checked chan struct{} // the checker ended

	mu          sync.RWMutex
	parts       map[string]*partition // by day
	alias       bleve.IndexAlias
	closed      bool
	quarantined []Quarantine
	unopened    map[string]error // days left closed for lack of space, retried

	health writeHealth // health.go

	searches chan struct{} // search slots (cost.go)

	indexed, dropped, expired, failed, retried atomic.Uint64
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
		done: make(chan struct{}), suspect: make(chan string, 16), checked: make(chan struct{}),
		parts: map[string]*partition{}, alias: bleve.NewIndexAlias(), unopened: map[string]error{},
		searches: make(chan struct{}, opts.Search.MaxConcurrent)}
	if err := s.openExisting(); err != nil {
		s.closeIndexes()
		return nil, err
	}
	s.dropExpired()
	go s.run()
	go s.check(s.Partitions())
	return s, nil
}

// openExisting opens every partition under Dir. A partition bleve cannot
// open is quarantined (a damaged day must not keep the service from
// starting); one that cannot be opened for lack of space is retried later.
// Only a partition that cannot be read at all (permissions) fails Open.
func (s *Store) openExisting() error {
	entries, err := os.ReadDir(s.opts.Dir)
	if err != nil {
		return fmt.Errorf("transcript store: %w", err)
	}
	for _, e := range entries {
		if q, ok := s.parseQuarantined(e.Name()); ok && e.IsDir() {
			s.quarantined = append(s.quarantined, q)
			continue
		}
		if _, err := time.Parse(dayLayout, e.Name()); err != nil || !e.IsDir() {
			continue // not a partition
		}
		idx, err := openIndex(filepath.Join(s.opts.Dir, e.Name()), false)
		switch {
		case err == nil:
			s.addLocked(e.Name(), idx)
		case os.IsPermission(err):
			return fmt.Errorf("transcript store: opening partition %s: %w", e.Name(), err)
		case s.lowOnSpace():
			s.opts.Logger.Error("transcript store: partition left closed until space is freed", "partition", e.Name(), "err", err)
			s.unopened[e.Name()] = err
		default:
			s.quarantineLocked(e.Name(), err)
		}
	}
	return nil
}

// addLocked serves idx as day's partition; the caller holds mu (or is Open).
func (s *Store) addLocked(day string, idx bleve.Index) *partition {
	p := &partition{bleveIndex: idx, day: day, damaged: s.suspectDamage}
	s.parts[day] = p
	s.alias.Add(p)
	delete(s.unopened, day)
	return p
}

// filled is rec with an empty ID and a zero At filled in.
func (s *Store) filled(rec Record) Record {
	if rec.ID == "" {
		rec.ID = RecordID(rec.Room, rec.Session, rec.Utterance)
	}
	if rec.At.IsZero() {
		rec.At = s.opts.Now()
	}
	return rec
}

// Add queues rec for indexing without blocking: when the queue is full (or
// the store closed) the record is dropped and counted. Empty ID and zero At
// are filled in.
func (s *Store) Add(rec Record) {
	rec = s.filled(rec)
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

// Put queues rec for indexing like Add, but when the queue is full it
// waits for room instead of dropping: the index role uses it, so a backlog
// of finals consumed faster than bleve indexes them waits in the stream
// (unacknowledged) rather than being lost. It fails with ErrClosed once the
// store is closed, or with ctx's error.
func (s *Store) Put(ctx context.Context, rec Record) error {
	rec = s.filled(rec)
	select {
	case <-s.stop:
		return ErrClosed
	default:
	}
	select {
	case s.queue <- op{rec: rec}:
		return nil
	case <-s.stop:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
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
	for _, done := range []chan struct{}{s.done, s.checked} {
		select {
		case <-done:
		case <-ctx.Done():
			err = fmt.Errorf("transcript store: closing: %w", ctx.Err())
		}
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
	for day, p := range s.parts {
		s.alias.Remove(p)
		if err := closeIndex(p.bleveIndex); err != nil {
			errs = append(errs, fmt.Errorf("closing partition %s: %w", day, err))
		}
		delete(s.parts, day)
	}
	return errors.Join(errs...)
}

// Stats reports counters and the number of partitions.
func (s *Store) Stats() Stats {
	s.mu.RLock()
	n, q := len(s.parts), len(s.quarantined)
	s.mu.RUnlock()
	return Stats{Indexed: s.indexed.Load(), Dropped: s.dropped.Load(), Expired: s.expired.Load(),
		Failed: s.failed.Load(), Retried: s.retried.Load(), Waiting: s.health.waitingNow(),
		Partitions: n, Quarantined: q}
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

// partition returns the partition of day, opening or creating it when
// missing. A partition that does not open is quarantined and a new one made
// in its place, unless space is short: then the error is returned and the
// caller retries later. The caller must not hold mu.
func (s *Store) partition(day string) (*partition, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	if p, ok := s.parts[day]; ok {
		return p, nil
	}
	path := filepath.Join(s.opts.Dir, day)
	_, statErr := os.Stat(path)
	existed := statErr == nil
	idx, err := openIndex(path, true)
	if err != nil && existed && !s.lowOnSpace() && !os.IsPermission(err) {
		if !s.quarantineLocked(day, err) {
			return nil, fmt.Errorf("transcript store: partition %s is damaged and could not be moved aside: %w", day, err)
		}
		existed = false
		idx, err = openIndex(path, true)
	}
	if err != nil {
		if !existed {
			// A partition half made (the disk filled while bleve wrote its
			// first files) holds nothing yet: remove it, so the next try
			// starts clean instead of finding it "damaged".
			_ = os.RemoveAll(path)
		}
		return nil, fmt.Errorf("transcript store: partition %s: %w", day, err)
	}
	return s.addLocked(day, idx), nil
}
