package roomsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/rooms"
)

// Bucket holds every registered room's spec, keyed by room id.
const Bucket = "EARSHOT_ROOMS"

// Registry is the node's room registry (*rooms.Registry).
type Registry interface {
	Add(spec rooms.Spec) (rooms.Status, error)
	Remove(ctx context.Context, id string) error
	Schemes() []string
	Specs() []rooms.Spec
}

// Options configure Open.
type Options struct {
	Replicas int
	MaxBytes int64
	Logger   *slog.Logger
}

// Sync is a registry whose registrations are the cluster's: Add and Remove
// go to the bucket as well as the local registry, and the bucket's changes
// made elsewhere come back into the local registry.
type Sync struct {
	reg  Registry
	kv   jetstream.KeyValue
	log  *slog.Logger
	stop context.CancelFunc
	done chan struct{}

	mu   sync.Mutex
	seen map[string]string // room id: the spec JSON last applied
}

// removeWait bounds a removal the bucket asks for (the room flushes its
// alerts first).
const removeWait = 30 * time.Second

// Open makes or joins the bucket, reconciles the local registry with it
// and keeps watching it until Close.
func Open(ctx context.Context, js jetstream.JetStream, reg Registry, o Options) (*Sync, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: Bucket, Description: "earshot registered rooms (rooms.Spec JSON by room id)",
		History: 1, Replicas: max(o.Replicas, 1), Storage: jetstream.FileStorage,
		MaxBytes: o.MaxBytes, MaxValueSize: 16 << 10,
	})
	if err != nil {
		return nil, fmt.Errorf("roomsync: bucket %s: %w", Bucket, err)
	}
	s := &Sync{reg: reg, kv: kv, log: o.Logger, done: make(chan struct{}), seen: map[string]string{}}
	wctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	s.stop = stop
	w, err := kv.WatchAll(wctx)
	if err != nil {
		stop()
		return nil, fmt.Errorf("roomsync: watch %s: %w", Bucket, err)
	}
	known := map[string]bool{} // in the bucket, put or deleted
	initial := make(chan struct{})
	go s.watch(wctx, w, known, initial)
	select {
	case <-initial:
	case <-ctx.Done():
		stop()
		<-s.done
		return nil, fmt.Errorf("roomsync: reading %s: %w", Bucket, ctx.Err())
	}
	// Local rooms the bucket never heard of join it (a single process's
	// rooms.json the first time it runs with the bucket).
	for _, spec := range reg.Specs() {
		if known[spec.ID] {
			continue
		}
		if err := s.put(ctx, spec); err != nil {
			s.log.Warn("local room not shared with the cluster", "room", spec.ID, "err", err)
		}
	}
	return s, nil
}

// watch applies the bucket's entries to the registry; initial closes once
// the entries that existed at the start are applied.
func (s *Sync) watch(ctx context.Context, w jetstream.KeyWatcher, known map[string]bool, initial chan struct{}) {
	defer close(s.done)
	defer func() { _ = w.Stop() }()
	starting := true
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-w.Updates():
			if !ok {
				return
			}
			if e == nil { // the initial values are all in
				if starting {
					starting = false
					close(initial)
				}
				continue
			}
			if starting {
				known[e.Key()] = true
			}
			s.apply(ctx, e)
		}
	}
}

func (s *Sync) apply(ctx context.Context, e jetstream.KeyValueEntry) {
	id := e.Key()
	switch e.Operation() {
	case jetstream.KeyValueDelete, jetstream.KeyValuePurge:
		s.mu.Lock()
		delete(s.seen, id)
		s.mu.Unlock()
		rctx, cancel := context.WithTimeout(ctx, removeWait)
		defer cancel()
		if err := s.reg.Remove(rctx, id); err != nil && !errors.Is(err, rooms.ErrNotFound) {
			s.log.Warn("room removed in the cluster but not here", "room", id, "err", err)
		}
		return
	}
	var spec rooms.Spec
	if err := json.Unmarshal(e.Value(), &spec); err != nil || spec.ID != id {
		s.log.Warn("unreadable room registration in the bucket ignored", "room", id, "err", err)
		return
	}
	if err := spec.Validate(s.reg.Schemes()); err != nil {
		s.log.Warn("invalid room registration in the bucket ignored", "room", id, "err", err)
		return
	}
	s.mu.Lock()
	same := s.seen[id] == string(e.Value())
	s.seen[id] = string(e.Value())
	s.mu.Unlock()
	if same {
		return
	}
	_, err := s.reg.Add(spec)
	if errors.Is(err, rooms.ErrExists) {
		if local, ok := s.local(id); ok && local == spec {
			return // registered here first: this is our own put coming back
		}
		// Registered again with another source: the bucket's is the
		// cluster's.
		rctx, cancel := context.WithTimeout(ctx, removeWait)
		defer cancel()
		if err = s.reg.Remove(rctx, id); err == nil {
			_, err = s.reg.Add(spec)
		}
	}
	if err != nil {
		s.log.Warn("room registered in the cluster but not here", "room", id, "err", err)
	}
}

func (s *Sync) local(id string) (rooms.Spec, bool) {
	for _, sp := range s.reg.Specs() {
		if sp.ID == id {
			return sp, true
		}
	}
	return rooms.Spec{}, false
}

func (s *Sync) put(ctx context.Context, spec rooms.Spec) error {
	b, err := json.Marshal(spec)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.seen[spec.ID] = string(b)
	s.mu.Unlock()
	if _, err := s.kv.Put(ctx, spec.ID, b); err != nil {
		return fmt.Errorf("roomsync: share room %s: %w", spec.ID, err)
	}
	return nil
}

// opTimeout bounds a registration's write to the bucket.
const opTimeout = 5 * time.Second

// Add registers spec here and in the cluster. If the bucket cannot take it
// the local registration is undone and the error says why: a room the
// cluster does not know would be pulled by nobody once this node goes.
func (s *Sync) Add(spec rooms.Spec) (rooms.Status, error) {
	st, err := s.reg.Add(spec)
	if err != nil {
		return st, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	if err := s.put(ctx, spec); err != nil {
		rctx, rcancel := context.WithTimeout(context.Background(), removeWait)
		defer rcancel()
		_ = s.reg.Remove(rctx, spec.ID)
		return rooms.Status{}, fmt.Errorf("%w: %w", ErrUnshared, err)
	}
	return st, nil
}

// ErrUnshared is wrapped when a registration could not be written to the
// cluster's list.
var ErrUnshared = errors.New("the cluster's room list cannot be written now")

// Remove removes the room here and from the cluster.
func (s *Sync) Remove(ctx context.Context, id string) error {
	if err := s.reg.Remove(ctx, id); err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.seen, id)
	s.mu.Unlock()
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opTimeout)
	defer cancel()
	if err := s.kv.Delete(dctx, id); err != nil {
		return fmt.Errorf("roomsync: room %s removed here, but not from the cluster's list (other nodes keep it): %w", id, err)
	}
	return nil
}

// Schemes are the registry's.
func (s *Sync) Schemes() []string { return s.reg.Schemes() }

// Close stops watching the bucket.
func (s *Sync) Close() {
	s.stop()
	<-s.done
}
