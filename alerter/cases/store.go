package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
)

// Bucket is the key-value bucket of cases. Its keys:
//
//	c.<case id>    the Case
//	g.<group key>  the id of the newest case of an anchor's run (groupKey)
//	a.<alert id>   the id of the case an alert is in
const Bucket = "EARSHOT_CASES"

// DefaultWindow is how close a hit must follow the one before to join its
// case.
const DefaultWindow = 10 * time.Minute

// Errors of the Store; each is wrapped with what it is about.
var (
	ErrNotFound = errors.New("no such case")
	// ErrDecided: the case is decided and takes no more assignments or
	// decisions.
	ErrDecided = errors.New("case is already decided")
	// ErrInvalid is wrapped by every validation error.
	ErrInvalid = errors.New("invalid case request")
	// ErrGrew: a hit joined the case after the caller read it, so the
	// caller has not recorded a disposition on it yet (Decide).
	ErrGrew = errors.New("the case has a hit the decision did not cover")
)

// Options configure a Store; the zero value is usable.
type Options struct {
	// Window joins a hit to its anchor's case when it follows the case's
	// last hit by at most this much; default DefaultWindow.
	Window time.Duration
	// MaxAge drops cases not written for this long (the alerts'
	// retention); 0 keeps them.
	MaxAge time.Duration
	// MaxBytes bounds the bucket; 0 is no bound.
	MaxBytes int64
	Replicas int
	// Timeout bounds each call when ctx has no deadline; default 5s.
	Timeout time.Duration
	Now     func() time.Time
	Logger  *slog.Logger
}

// Store keeps cases in the bucket and an index of all of them in memory.
// It is safe for concurrent use, by several processes too.
type Store struct {
	kv   jetstream.KeyValue
	opts Options
	stop context.CancelFunc
	done chan struct{}

	mu    sync.RWMutex
	index map[string]*Case // every case without its hits' text, by id
	ready chan struct{}    // closed once the watch has read every case
}

// Open creates the bucket if needed and starts the index's watch.
func Open(ctx context.Context, js jetstream.JetStream, opts Options) (*Store, error) {
	if opts.Window <= 0 {
		opts.Window = DefaultWindow
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	cctx, cancel := withTimeout(ctx, opts.Timeout)
	defer cancel()
	kv, err := js.CreateOrUpdateKeyValue(cctx, jetstream.KeyValueConfig{
		Bucket: Bucket, Description: "earshot: compliance cases (an anchor's hits in one session), by id",
		History: 1, TTL: opts.MaxAge, MaxBytes: opts.MaxBytes, Replicas: max(1, opts.Replicas),
		MaxValueSize: 1 << 20, Storage: jetstream.FileStorage,
	})
	if err != nil {
		return nil, fmt.Errorf("cases: bucket %s: %w", Bucket, err)
	}
	wctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	s := &Store{kv: kv, opts: opts, stop: stop, done: make(chan struct{}), index: map[string]*Case{}, ready: make(chan struct{})}
	w, err := kv.Watch(wctx, "c.*")
	if err != nil {
		stop()
		return nil, fmt.Errorf("cases: watch: %w", err)
	}
	go s.watch(wctx, w)
	select {
	case <-s.ready:
	case <-cctx.Done():
		s.Close()
		return nil, fmt.Errorf("cases: reading the index: %w", cctx.Err())
	}
	return s, nil
}

// Close stops the index's watch.
func (s *Store) Close() {
	s.stop()
	<-s.done
}

// Window is the grouping window in force.
func (s *Store) Window() time.Duration { return s.opts.Window }

func (s *Store) watch(ctx context.Context, w jetstream.KeyWatcher) {
	defer close(s.done)
	once := sync.OnceFunc(func() { close(s.ready) })
	for {
		s.follow(ctx, w, once)
		_ = w.Stop()
		// The watch ended without being stopped: watch again, so the
		// index never silently stops following the bucket.
		for ctx.Err() == nil {
			s.opts.Logger.Warn("cases: the index's watch ended; watching again")
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
			var err error
			if w, err = s.kv.Watch(ctx, "c.*"); err == nil {
				break
			}
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// follow applies the watch's entries to the index until it ends.
func (s *Store) follow(ctx context.Context, w jetstream.KeyWatcher, ready func()) {
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-w.Updates():
			if !ok {
				return
			}
			if e == nil { // the end of the current values
				ready()
				continue
			}
			id := e.Key()[len("c."):]
			if e.Operation() != jetstream.KeyValuePut {
				s.mu.Lock()
				delete(s.index, id)
				s.mu.Unlock()
				continue
			}
			c, err := decode(e)
			if err != nil {
				s.opts.Logger.Warn("skipping undecodable case", "case", id, "err", err)
				continue
			}
			s.remember(c)
		}
	}
}

// remember puts c's summary in the index unless a newer revision is there.
func (s *Store) remember(c Case) {
	sum := c
	sum.Hits = nil
	sum.Notes = nil
	sum.HitCount = len(c.Hits)
	sum.ranked()
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.index[c.ID]; ok && old.Revision > c.Revision {
		return
	}
	s.index[c.ID] = &sum
}

func decode(e jetstream.KeyValueEntry) (Case, error) {
	var c Case
	if err := json.Unmarshal(e.Value(), &c); err != nil {
		return Case{}, fmt.Errorf("cases: %s revision %d: %w", e.Key(), e.Revision(), err)
	}
	c.Revision = e.Revision()
	return c, nil
}

// Get reads one case with every hit.
func (s *Store) Get(ctx context.Context, id string) (Case, error) {
	if err := ValidID(id); err != nil {
		return Case{}, err
	}
	ctx, cancel := withTimeout(ctx, s.opts.Timeout)
	defer cancel()
	return s.get(ctx, id)
}

func (s *Store) get(ctx context.Context, id string) (Case, error) {
	e, err := s.kv.Get(ctx, "c."+id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Case{}, fmt.Errorf("case %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return Case{}, fmt.Errorf("cases: get %s: %w", id, err)
	}
	return decode(e)
}

// CaseOf returns the id of the case alertID is in.
func (s *Store) CaseOf(ctx context.Context, alertID string) (string, error) {
	ctx, cancel := withTimeout(ctx, s.opts.Timeout)
	defer cancel()
	e, err := s.kv.Get(ctx, "a."+alertID)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return "", fmt.Errorf("alert %q: %w", alertID, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("cases: case of %s: %w", alertID, err)
	}
	return string(e.Value()), nil
}

// maxTries bounds the compare-and-set retries of one write.
const maxTries = 16

func conflict(err error) bool {
	return errors.Is(err, jetstream.ErrKeyRevisionMismatch) || errors.Is(err, jetstream.ErrKeyExists)
}

// Add puts alert a in its anchor's case, opening a new case when there is
// none within the window. It is idempotent: an alert already in a case is
// left there, so the builder may see an alert twice.
func (s *Store) Add(ctx context.Context, a alerter.Alert) (Case, error) {
	if err := ValidID(a.ID); err != nil {
		return Case{}, err
	}
	ctx, cancel := withTimeout(ctx, s.opts.Timeout)
	defer cancel()
	for range maxTries {
		c, err := s.add(ctx, a)
		if conflict(err) {
			continue // another node wrote the same run: read again
		}
		return c, err
	}
	return Case{}, fmt.Errorf("cases: alert %s: too many concurrent writers", a.ID)
}

func (s *Store) add(ctx context.Context, a alerter.Alert) (Case, error) {
	if id, err := s.CaseOf(ctx, a.ID); err == nil {
		return s.get(ctx, id)
	}
	gkey := "g." + groupKey(a)
	var gRev uint64
	if e, err := s.kv.Get(ctx, gkey); err == nil {
		gRev = e.Revision()
		c, err := s.get(ctx, string(e.Value()))
		switch {
		case err == nil && c.has(a.ID):
			return c, s.link(ctx, a.ID, c.ID)
		case err == nil && c.accepts(a, s.opts.Window):
			c.add(a)
			if err := s.write(ctx, &c); err != nil {
				return Case{}, err
			}
			s.touchRun(ctx, gkey, c.ID, gRev)
			return c, s.link(ctx, a.ID, c.ID)
		case err != nil && !errors.Is(err, ErrNotFound):
			return Case{}, err
		}
		// The run's case is decided, full, too old or gone: a new one.
	} else if !errors.Is(err, jetstream.ErrKeyNotFound) {
		return Case{}, fmt.Errorf("cases: run of %s: %w", a.ID, err)
	}
	// Write the case, then claim the run with compare-and-set; a writer
	// that loses the claim removes its case and reads the run again. A
	// crash in between leaves an unclaimed case that the next delivery of
	// the same alert finds (its id is the alert's) and claims.
	c := newCase(a)
	data, err := json.Marshal(c)
	if err != nil {
		return Case{}, fmt.Errorf("cases: encode: %w", err)
	}
	rev, err := s.kv.Create(ctx, "c."+c.ID, data)
	if errors.Is(err, jetstream.ErrKeyExists) {
		if c, err = s.get(ctx, a.ID); err != nil {
			return Case{}, err
		}
		rev = c.Revision
	} else if err != nil {
		return Case{}, fmt.Errorf("cases: create %s: %w", c.ID, err)
	}
	c.Revision = rev
	if gRev == 0 {
		_, err = s.kv.Create(ctx, gkey, []byte(a.ID))
	} else {
		_, err = s.kv.Update(ctx, gkey, []byte(a.ID), gRev)
	}
	if conflict(err) {
		if derr := s.kv.Delete(ctx, "c."+c.ID, jetstream.LastRevision(rev)); derr != nil && !conflict(derr) {
			s.opts.Logger.Warn("cases: removing a case that lost its run", "case", c.ID, "err", derr)
		}
		return Case{}, err
	}
	if err != nil {
		return Case{}, fmt.Errorf("cases: claim run of %s: %w", a.ID, err)
	}
	s.remember(c)
	return c, s.link(ctx, a.ID, c.ID)
}

// touchRun writes the run's key again, unchanged, with each hit of its
// case. Every hit reads the key, and nats-server answers a read of a key
// by loading the whole file block that holds its last write (up to 8 MB,
// cached for 10 s): written once when the case opened, the keys of the
// open cases would sit in ever more old blocks, each loaded again and
// again, while a key written with each hit stays in the block being
// written, which is in memory anyway. A writer that lost the race (the run
// moved on) leaves it: the key already names the newer case.
func (s *Store) touchRun(ctx context.Context, gkey, caseID string, rev uint64) {
	if _, err := s.kv.Update(ctx, gkey, []byte(caseID), rev); err != nil && !conflict(err) {
		s.opts.Logger.Debug("cases: run key not rewritten", "key", gkey, "err", err)
	}
}

func (s *Store) link(ctx context.Context, alertID, caseID string) error {
	if _, err := s.kv.Put(ctx, "a."+alertID, []byte(caseID)); err != nil {
		return fmt.Errorf("cases: link %s: %w", alertID, err)
	}
	return nil
}

// write stores c over the revision it was read at.
func (s *Store) write(ctx context.Context, c *Case) error {
	data, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("cases: encode: %w", err)
	}
	rev, err := s.kv.Update(ctx, "c."+c.ID, data, c.Revision)
	if err != nil {
		return err
	}
	c.Revision = rev
	s.remember(*c)
	return nil
}

// update applies fn to the newest revision of case id and stores it,
// reading again when another writer came first. fn returning errNoChange
// stores nothing.
func (s *Store) update(ctx context.Context, id string, fn func(*Case) error) (Case, error) {
	if err := ValidID(id); err != nil {
		return Case{}, err
	}
	ctx, cancel := withTimeout(ctx, s.opts.Timeout)
	defer cancel()
	for range maxTries {
		c, err := s.get(ctx, id)
		if err != nil {
			return Case{}, err
		}
		if err := fn(&c); errors.Is(err, errNoChange) {
			return c, nil
		} else if err != nil {
			return c, err
		}
		err = s.write(ctx, &c)
		if conflict(err) {
			continue
		}
		if err != nil {
			return Case{}, fmt.Errorf("cases: write %s: %w", id, err)
		}
		return c, nil
	}
	return Case{}, fmt.Errorf("cases: case %s: too many concurrent writers", id)
}

var errNoChange = errors.New("no change")

// Escalate raises the case of the escalation's alerts to its level. An
// escalation whose alerts are in no case yet is ErrNotFound: the builder
// may not have grouped them yet.
func (s *Store) Escalate(ctx context.Context, e alerter.Escalation) (Case, error) {
	if LevelRank(e.Level) == 0 {
		return Case{}, fmt.Errorf("%w: escalation %s: level %q", ErrInvalid, e.ID, e.Level)
	}
	var id string
	var err error = ErrNotFound
	for _, alertID := range slices.Backward(e.AlertIDs) { // the alert that crossed the level first
		if id, err = s.CaseOf(ctx, alertID); err == nil {
			break
		}
	}
	if err != nil {
		return Case{}, fmt.Errorf("escalation %s: %w", e.ID, err)
	}
	return s.update(ctx, id, func(c *Case) error {
		if !c.escalate(e.Level) {
			return errNoChange
		}
		return nil
	})
}

// Assign makes by the case's assignee ("assign to me").
func (s *Store) Assign(ctx context.Context, id, by string) (Case, error) {
	if err := validBy(by); err != nil {
		return Case{}, err
	}
	return s.update(ctx, id, func(c *Case) error {
		if c.Decided() {
			return fmt.Errorf("case %s: %w", id, ErrDecided)
		}
		if c.Assignee == by {
			return errNoChange
		}
		c.Assignee, c.AssignedAt = by, s.opts.Now().UTC()
		return nil
	})
}

// AddNote adds a reviewer's note; decided cases take notes too.
func (s *Store) AddNote(ctx context.Context, id, by, text string) (Case, error) {
	if err := validBy(by); err != nil {
		return Case{}, err
	}
	if err := validNote(text, true); err != nil {
		return Case{}, err
	}
	return s.update(ctx, id, func(c *Case) error {
		c.Notes = append(c.Notes, Note{By: by, At: s.opts.Now().UTC(), Text: text})
		if len(c.Notes) > MaxNotes {
			c.Notes = slices.Delete(c.Notes, 0, len(c.Notes)-MaxNotes)
		}
		return nil
	})
}

// Decide records the case's decision (StateConfirmed or StateDismissed).
// The caller records a disposition on each alert of covered (the alert
// ids it read) first, so that a failure here leaves the case open to be
// decided again; a hit that joined since is ErrGrew, and the caller
// records that one too and decides again.
func (s *Store) Decide(ctx context.Context, id string, state State, by, note string, covered []string) (Case, error) {
	if state != StateConfirmed && state != StateDismissed {
		return Case{}, fmt.Errorf("%w: decision %q: want confirmed or dismissed", ErrInvalid, state)
	}
	if err := validBy(by); err != nil {
		return Case{}, err
	}
	if err := validNote(note, false); err != nil {
		return Case{}, err
	}
	return s.update(ctx, id, func(c *Case) error {
		if c.Decided() {
			return fmt.Errorf("case %s: %w (%s by %s)", id, ErrDecided, c.State, c.DecidedBy)
		}
		for _, h := range c.Hits {
			if !slices.Contains(covered, h.AlertID) {
				return fmt.Errorf("case %s, alert %s: %w", id, h.AlertID, ErrGrew)
			}
		}
		c.State, c.DecidedBy, c.DecidedAt, c.DecisionNote = state, by, s.opts.Now().UTC(), note
		if c.Assignee == "" {
			c.Assignee, c.AssignedAt = by, c.DecidedAt
		}
		return nil
	})
}

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}
