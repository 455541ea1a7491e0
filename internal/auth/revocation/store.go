package revocation

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/internal/auth"
)

// Bucket is the key-value bucket of revocations.
const Bucket = "EARSHOT_REVOCATIONS"

// Bucket limits: a revocation is a few hundred bytes.
const (
	maxValue = 4 << 10
	maxBytes = 64 << 20
)

// Options configure Open; the zero value is usable.
type Options struct {
	// Replicas of the bucket in a JetStream cluster; default 1.
	Replicas int
	// MaxBytes bounds the bucket on disk; default 64 MiB.
	MaxBytes int64
	// Now is the clock of new revocations; default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Store writes revocations to the bucket and keeps the watched list.
type Store struct {
	kv     jetstream.KeyValue
	list   *auth.Revocations
	now    func() time.Time
	log    *slog.Logger
	cancel context.CancelFunc
	done   chan struct{}
}

// Open creates the bucket if needed, reads every revocation in it and
// keeps watching it until Close.
func Open(ctx context.Context, js jetstream.JetStream, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Replicas <= 0 {
		opts.Replicas = 1
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = maxBytes
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: Bucket, Description: "earshot: revoked HTTP tokens (by id and by subject)",
		History: 1, MaxValueSize: maxValue, MaxBytes: opts.MaxBytes, Storage: jetstream.FileStorage, Replicas: opts.Replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("revocation: bucket %s: %w", Bucket, err)
	}
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	w, err := kv.WatchAll(wctx)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("revocation: watching %s: %w", Bucket, err)
	}
	s := &Store{kv: kv, list: auth.NewRevocations(), now: opts.Now, log: opts.Logger, cancel: cancel, done: make(chan struct{})}
	// The watcher sends every stored entry, then nil: serve only after it.
	for loaded := false; !loaded; {
		select {
		case e, ok := <-w.Updates():
			if !ok {
				cancel()
				return nil, fmt.Errorf("revocation: the watch of %s ended while loading", Bucket)
			}
			if e == nil {
				loaded = true
				continue
			}
			s.apply(e)
		case <-ctx.Done():
			cancel()
			return nil, fmt.Errorf("revocation: loading %s: %w", Bucket, ctx.Err())
		}
	}
	go s.watch(w)
	return s, nil
}

func (s *Store) watch(w jetstream.KeyWatcher) {
	defer close(s.done)
	defer func() { _ = w.Stop() }()
	for e := range w.Updates() {
		if e != nil {
			s.apply(e)
		}
	}
}

// apply adds one bucket entry to the list; deletes are ignored (nothing
// is ever unrevoked).
func (s *Store) apply(e jetstream.KeyValueEntry) {
	if e.Operation() != jetstream.KeyValuePut {
		return
	}
	var r auth.Revocation
	if err := json.Unmarshal(e.Value(), &r); err != nil || r.Validate() != nil {
		s.log.Error("revocation: an unreadable entry in the bucket is ignored", "bucket", Bucket, "key", e.Key(), "revision", e.Revision())
		return
	}
	s.list.Add(r)
}

// List is the list every request is checked against.
func (s *Store) List() *auth.Revocations { return s.list }

// Revoke stores r (At and the key come from here) and applies it on this
// node at once; other nodes apply it when their watch delivers it.
func (s *Store) Revoke(ctx context.Context, r auth.Revocation) (auth.Revocation, error) {
	r.At = s.now().UTC()
	if err := r.Validate(); err != nil {
		return r, err
	}
	data, err := json.Marshal(r)
	if err != nil {
		return r, fmt.Errorf("revocation: %w", err)
	}
	if _, err := s.kv.Put(ctx, key(r), data); err != nil {
		return r, fmt.Errorf("revocation: storing: %w", err)
	}
	s.list.Add(r)
	return r, nil
}

// key is the bucket key of r: base64url keeps any subject within the
// characters a key may hold.
func key(r auth.Revocation) string {
	prefix := "id."
	if r.Kind == auth.RevokeSubject {
		prefix = "sub."
	}
	return prefix + base64.RawURLEncoding.EncodeToString([]byte(r.Value))
}

// Close stops watching.
func (s *Store) Close() {
	s.cancel()
	<-s.done
}
