package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/earshot/earshot/internal/diskspace"
)

// ErrNoSpace is wrapped by write errors and Ready when the file system
// holding the store has less than Options.MinFree left.
var ErrNoSpace = errors.New("no space left for transcripts")

// stallAfter is how long one batch may run before Ready calls the store
// stuck: a bleve background loop that died (it recovers its own panics and
// stops) leaves Batch waiting for good, and nothing else would say so.
const stallAfter = 30 * time.Second

// writeHealth is what the writer last saw: nil err after a batch went in.
type writeHealth struct {
	mu      sync.Mutex
	err     error
	since   time.Time
	waiting int
	// batching is when the batch now in bleve's hands started; zero when
	// none is.
	batching time.Time
}

func (h *writeHealth) batchStarted(now time.Time) {
	h.mu.Lock()
	h.batching = now
	h.mu.Unlock()
}

func (h *writeHealth) batchEnded() {
	h.mu.Lock()
	h.batching = time.Time{}
	h.mu.Unlock()
}

func (h *writeHealth) stalled(now time.Time) time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.batching.IsZero() {
		return 0
	}
	if d := now.Sub(h.batching); d > stallAfter {
		return d
	}
	return 0
}

func (h *writeHealth) set(err error, waiting int, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err == nil {
		h.err, h.since = nil, time.Time{}
	} else if h.err == nil {
		h.since = now
	}
	if err != nil {
		h.err = err
	}
	h.waiting = waiting
}

func (h *writeHealth) get() (since time.Time, waiting int, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.since, h.waiting, h.err
}

func (h *writeHealth) waitingNow() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.waiting
}

// Ready reports whether the store can take writes: nil, or why not (closed,
// the disk short of Options.MinFree, batches failing and how many records
// are waiting). A quarantined partition does not make the store unready:
// its day goes on in a new partition (see Quarantined).
func (s *Store) Ready(context.Context) error {
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	if err := s.roomToWrite(); err != nil {
		return err
	}
	if d := s.health.stalled(time.Now()); d > 0 {
		return fmt.Errorf("transcript store: a batch has been in the index for %s: writes are stuck", d.Round(time.Second))
	}
	if since, waiting, err := s.health.get(); err != nil {
		return fmt.Errorf("transcript store: writes failing since %s, %d records waiting: %w",
			since.UTC().Format(time.RFC3339), waiting, err)
	}
	return nil
}

// roomToWrite is nil unless the file system holding Dir is known to have
// less than MinFree left.
func (s *Store) roomToWrite() error {
	free, err := diskspace.Free(s.opts.Dir)
	if err != nil || free >= s.opts.MinFree {
		return nil // unknown is not a reason to refuse
	}
	return fmt.Errorf("transcript store: %w: %d bytes free under %s, %d kept in reserve",
		ErrNoSpace, free, s.opts.Dir, s.opts.MinFree)
}

func (s *Store) lowOnSpace() bool { return s.roomToWrite() != nil }
