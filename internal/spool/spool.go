package spool

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

// ErrFull is Append's answer when the spool holds MaxBytes.
var ErrFull = errors.New("spool: full")

// Defaults for Options.
const (
	DefaultMaxBytes     = 256 << 20
	DefaultSegmentBytes = 4 << 20
	DefaultSyncEvery    = 200 * time.Millisecond
)

// Options configure a Spool.
type Options struct {
	// Dir holds the segments; made if missing. Required.
	Dir string
	// MaxBytes bounds the segments on disk; default 256 MiB.
	MaxBytes int64
	// SegmentBytes: a segment this large is closed and a new one started;
	// default 4 MiB. Delivered segments are deleted.
	SegmentBytes int64
	// SyncEvery is how often appended records are fsynced; default 200 ms.
	SyncEvery time.Duration
	Now       func() time.Time
	Logger    *slog.Logger
}

// Stats say what a Spool holds and did.
type Stats struct {
	Records int64 `json:"records"` // waiting to be delivered
	Bytes   int64 `json:"bytes"`   // on disk
	// Oldest is when the oldest waiting record was spooled (zero if none).
	Oldest    time.Time `json:"oldest,omitzero"`
	Appended  uint64    `json:"appended"`
	Delivered uint64    `json:"delivered"`
	// Refused counts appends refused because the spool was full.
	Refused uint64 `json:"refused"`
	// Damaged counts damaged stretches found at Open and skipped.
	Damaged  uint64 `json:"damaged"`
	MaxBytes int64  `json:"max_bytes"`
	// Full: the last append was refused (until one fits again).
	Full bool `json:"full,omitempty"`
}

type segment struct {
	id   uint64
	size int64
}

type position struct {
	seg uint64
	off int64
}

// Spool is one directory of segments. Append is safe for concurrent use;
// Peek and Ack are for one consumer.
type Spool struct {
	opts Options
	stop chan struct{}
	done chan struct{}

	mu       sync.Mutex
	segs     []segment // in order; the last is the one appended to
	active   *os.File
	dirty    bool
	cursor   position // next record to deliver
	peeked   []position
	peekedAt []time.Time
	st       Stats
	closed   bool
}

// Open opens (or makes) the spool in opts.Dir, checking every waiting
// record: damage is logged, counted and skipped; a torn last record (a
// crash mid-write) is cut off.
func Open(opts Options) (*Spool, error) {
	if opts.Dir == "" {
		return nil, errors.New("spool: Dir is required")
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.SegmentBytes <= 0 {
		opts.SegmentBytes = DefaultSegmentBytes
	}
	if opts.SyncEvery <= 0 {
		opts.SyncEvery = DefaultSyncEvery
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	s := &Spool{opts: opts, stop: make(chan struct{}), done: make(chan struct{})}
	s.st.MaxBytes = opts.MaxBytes
	if err := s.load(); err != nil {
		return nil, err
	}
	go s.syncLoop()
	return s, nil
}

func (s *Spool) segPath(id uint64) string {
	return filepath.Join(s.opts.Dir, fmt.Sprintf("%016x.seg", id))
}

func (s *Spool) cursorPath() string { return filepath.Join(s.opts.Dir, "cursor") }

// load reads the directory: segments, the cursor, and what waits.
func (s *Spool) load() error {
	ents, err := os.ReadDir(s.opts.Dir)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	var ids []uint64
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), ".seg")
		if !ok {
			continue
		}
		id, err := strconv.ParseUint(name, 16, 64)
		if err != nil {
			s.opts.Logger.Warn("spool: ignoring a file that is not a segment", "dir", s.opts.Dir, "file", e.Name())
			continue
		}
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	s.cursor = s.readCursor()
	for i, id := range ids {
		if id < s.cursor.seg { // delivered before the cursor file was written
			_ = os.Remove(s.segPath(id))
			continue
		}
		if err := s.check(id, i == len(ids)-1); err != nil {
			return err
		}
	}
	if len(s.segs) == 0 || s.cursor.seg < s.segs[0].id {
		first := uint64(1)
		if len(s.segs) > 0 {
			first = s.segs[0].id
		} else if s.cursor.seg > 0 {
			first = s.cursor.seg
		}
		s.cursor = position{seg: first}
	}
	if len(s.segs) == 0 || s.segs[len(s.segs)-1].size >= s.opts.SegmentBytes {
		next := s.cursor.seg
		if len(s.segs) > 0 {
			next = s.segs[len(s.segs)-1].id + 1
		}
		s.segs = append(s.segs, segment{id: next})
	}
	last := s.segs[len(s.segs)-1]
	f, err := os.OpenFile(s.segPath(last.id), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	s.active = f
	if s.st.Records > 0 {
		s.opts.Logger.Info("spool: records waiting from before", "dir", s.opts.Dir, "records", s.st.Records, "bytes", s.st.Bytes)
	}
	return nil
}

// check scans segment id from the cursor, counting what waits in it.
func (s *Spool) check(id uint64, last bool) error {
	path := s.segPath(id)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	from := int64(0)
	if id == s.cursor.seg {
		from = min(s.cursor.off, fi.Size())
	}
	var n int64
	res := scan(f, from, fi.Size(), func(r Record, _ int64) bool {
		if n == 0 && s.st.Oldest.IsZero() {
			s.st.Oldest = r.At
		}
		n++
		return true
	})
	size := fi.Size()
	if res.damaged > 0 {
		s.st.Damaged += uint64(res.damaged)
		s.opts.Logger.Error("spool: damaged records skipped (their messages are lost)", "file", path,
			"stretches", res.damaged, "good_records", n)
	}
	if last && res.lastGood < size { // a torn tail: appends go after the last good record
		if err := os.Truncate(path, res.lastGood); err != nil {
			return fmt.Errorf("spool: cutting the torn tail of %s: %w", path, err)
		}
		size = res.lastGood
	}
	if n == 0 && !last {
		_ = os.Remove(path)
		return nil
	}
	s.segs = append(s.segs, segment{id: id, size: size})
	s.st.Records += n
	s.st.Bytes += size
	return nil
}

func (s *Spool) readCursor() position {
	data, err := os.ReadFile(s.cursorPath())
	if err != nil {
		return position{}
	}
	var p position
	if _, err := fmt.Sscanf(string(data), "%d %d\n", &p.seg, &p.off); err != nil {
		s.opts.Logger.Warn("spool: unreadable cursor; delivering from the first segment (the stream drops repeats)", "err", err)
		return position{}
	}
	return p
}

func (s *Spool) writeCursor(p position) {
	tmp := s.cursorPath() + ".tmp"
	if err := os.WriteFile(tmp, []byte(fmt.Sprintf("%d %d\n", p.seg, p.off)), 0o600); err == nil {
		err = os.Rename(tmp, s.cursorPath())
		if err != nil {
			s.opts.Logger.Warn("spool: cursor not saved; a restart re-delivers", "err", err)
		}
	}
}

// Append spools m (its subject, headers and data). It returns ErrFull,
// counted, when the record does not fit in MaxBytes.
func (s *Spool) Append(m *nats.Msg) error {
	rec, err := encode(m, s.opts.Now())
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("spool: closed")
	}
	if s.st.Bytes+int64(len(rec)) > s.opts.MaxBytes {
		s.st.Refused++
		s.st.Full = true
		return fmt.Errorf("%w: %d bytes of %d in %s", ErrFull, s.st.Bytes, s.opts.MaxBytes, s.opts.Dir)
	}
	last := &s.segs[len(s.segs)-1]
	if last.size > 0 && last.size+int64(len(rec)) > s.opts.SegmentBytes {
		if err := s.rotateLocked(); err != nil {
			return err
		}
		last = &s.segs[len(s.segs)-1]
	}
	if n, err := s.active.Write(rec); err != nil {
		if n > 0 { // never leave half a record behind a good one
			_ = s.active.Truncate(last.size)
		}
		return fmt.Errorf("spool: append to %s: %w", s.opts.Dir, err)
	}
	last.size += int64(len(rec))
	s.st.Bytes += int64(len(rec))
	if s.st.Records == 0 {
		s.st.Oldest = s.opts.Now()
	}
	s.st.Records++
	s.st.Appended++
	s.st.Full = false
	s.dirty = true
	return nil
}

func (s *Spool) rotateLocked() error {
	if err := s.active.Sync(); err != nil {
		return fmt.Errorf("spool: sync: %w", err)
	}
	_ = s.active.Close()
	id := s.segs[len(s.segs)-1].id + 1
	f, err := os.OpenFile(s.segPath(id), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	s.active, s.dirty = f, false
	s.segs = append(s.segs, segment{id: id})
	return nil
}

// Peek returns up to max records from the oldest waiting, without
// removing them; Ack removes them once delivered.
func (s *Spool) Peek(max int) ([]Record, error) {
	s.mu.Lock()
	segs := append([]segment(nil), s.segs...)
	cur := s.cursor
	s.mu.Unlock()
	s.peeked, s.peekedAt = s.peeked[:0], s.peekedAt[:0]
	var out []Record
	for _, sg := range segs {
		if sg.id < cur.seg || len(out) >= max {
			continue
		}
		from := int64(0)
		if sg.id == cur.seg {
			from = cur.off
		}
		if from >= sg.size {
			continue
		}
		f, err := os.Open(s.segPath(sg.id))
		if err != nil {
			return out, fmt.Errorf("spool: %w", err)
		}
		scan(f, from, sg.size, func(r Record, end int64) bool {
			out = append(out, r)
			s.peeked = append(s.peeked, position{seg: sg.id, off: end})
			s.peekedAt = append(s.peekedAt, r.At)
			return len(out) < max
		})
		_ = f.Close()
	}
	return out, nil
}

// Ack removes the first n records of the last Peek: they were delivered.
// Fully delivered segments are deleted.
func (s *Spool) Ack(n int) {
	if n <= 0 || n > len(s.peeked) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cursor = s.peeked[n-1]
	s.st.Records -= int64(n)
	s.st.Delivered += uint64(n)
	if n < len(s.peekedAt) {
		s.st.Oldest = s.peekedAt[n]
	}
	s.peeked, s.peekedAt = s.peeked[:0], s.peekedAt[:0]
	for len(s.segs) > 1 && s.segs[0].id < s.cursor.seg || len(s.segs) > 1 && s.segs[0].id == s.cursor.seg && s.cursor.off >= s.segs[0].size {
		s.st.Bytes -= s.segs[0].size
		_ = os.Remove(s.segPath(s.segs[0].id))
		s.segs = s.segs[1:]
	}
	if s.st.Records == 0 {
		s.st.Oldest = time.Time{}
		if err := s.resetLocked(); err != nil {
			s.opts.Logger.Warn("spool: starting a fresh segment", "err", err)
		}
	}
	if len(s.segs) > 0 && s.cursor.seg < s.segs[0].id {
		s.cursor = position{seg: s.segs[0].id}
	}
	s.writeCursor(s.cursor)
}

// resetLocked replaces the segments, all delivered, by an empty one.
func (s *Spool) resetLocked() error {
	if len(s.segs) == 1 && s.segs[0].size == 0 {
		return nil
	}
	if err := s.rotateLocked(); err != nil {
		return err
	}
	old := s.segs[:len(s.segs)-1]
	for _, sg := range old {
		_ = os.Remove(s.segPath(sg.id))
	}
	s.segs = s.segs[len(old):]
	s.st.Bytes = 0
	s.cursor = position{seg: s.segs[0].id}
	return nil
}

// Stats reports what the spool holds and did.
func (s *Spool) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st
}

// Dir is where the spool keeps its segments.
func (s *Spool) Dir() string { return s.opts.Dir }

func (s *Spool) syncLoop() {
	defer close(s.done)
	t := time.NewTicker(s.opts.SyncEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.sync()
		}
	}
}

func (s *Spool) sync() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dirty && s.active != nil {
		if err := s.active.Sync(); err != nil {
			s.opts.Logger.Warn("spool: fsync", "dir", s.opts.Dir, "err", err)
		}
		s.dirty = false
	}
}

// Close syncs and closes the spool; what waits is delivered after the next
// Open.
func (s *Spool) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	close(s.stop)
	<-s.done
	s.sync()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.active.Close()
}
