package lease

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Options configure a Table.
type Options struct {
	// Bucket is the KV bucket; required.
	Bucket string
	// Holder names this process in the claims it takes; required.
	Holder string
	// TTL is how long a claim lives without renewal; default 3 s.
	TTL time.Duration
	// MaxBytes bounds the bucket on disk; default 4 MiB (claims are small
	// and expire within seconds).
	MaxBytes int64
	// Replicas of the bucket; default 1.
	Replicas int
	// OnLost is called (on the renewal goroutine) with a key whose claim
	// this holder lost: its renewal failed or it fenced itself. It must
	// stop acting on the key at once.
	OnLost func(key string)
	Logger *slog.Logger
}

// Claim is a key's current holder, as stored.
type Claim struct {
	Holder string    `json:"holder"`
	At     time.Time `json:"at"`
	// Info is what the holder says about itself (load, address).
	Info json.RawMessage `json:"info,omitempty"`
}

// Table is one holder's claims in one bucket.
type Table struct {
	kv   jetstream.KeyValue
	opts Options
	stop chan struct{}
	once sync.Once
	wg   sync.WaitGroup

	mu   sync.Mutex
	held map[string]*held
	info json.RawMessage
}

type held struct {
	rev     uint64
	renewed time.Time
}

// Open makes or joins the bucket and starts renewing.
func Open(ctx context.Context, js jetstream.JetStream, opts Options) (*Table, error) {
	if opts.Bucket == "" || opts.Holder == "" {
		return nil, errors.New("lease: Bucket and Holder are required")
	}
	if opts.TTL <= 0 {
		opts.TTL = 3 * time.Second
	}
	if opts.Replicas <= 0 {
		opts.Replicas = 1
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 4 << 20
	}
	if opts.OnLost == nil {
		opts.OnLost = func(string) {}
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: opts.Bucket, Description: "earshot leases (cluster/lease)", History: 1,
		TTL: opts.TTL, Replicas: opts.Replicas, Storage: jetstream.FileStorage,
		MaxBytes: opts.MaxBytes,
	})
	if err != nil {
		return nil, fmt.Errorf("lease: bucket %s: %w", opts.Bucket, err)
	}
	t := &Table{kv: kv, opts: opts, stop: make(chan struct{}), held: map[string]*held{}}
	t.wg.Go(t.renewLoop)
	return t, nil
}

// SetInfo sets what the holder's claims say about it from the next write.
func (t *Table) SetInfo(v any) {
	data, err := json.Marshal(v)
	if err != nil {
		return
	}
	t.mu.Lock()
	t.info = data
	t.mu.Unlock()
}

func (t *Table) value() []byte {
	t.mu.Lock()
	info := t.info
	t.mu.Unlock()
	data, _ := json.Marshal(Claim{Holder: t.opts.Holder, At: time.Now().UTC(), Info: info})
	return data
}

// TryTake claims key if nobody holds it. It reports whether this holder
// holds it now.
func (t *Table) TryTake(ctx context.Context, key string) (bool, error) {
	if t.Holds(key) {
		return true, nil
	}
	rev, err := t.kv.Create(ctx, key, t.value())
	if errors.Is(err, jetstream.ErrKeyExists) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("lease: take %s: %w", key, err)
	}
	t.mu.Lock()
	t.held[key] = &held{rev: rev, renewed: time.Now()}
	t.mu.Unlock()
	return true, nil
}

// Holds reports whether this holder may act on key now: it holds the
// claim and renewed it within TTL*2/3.
func (t *Table) Holds(key string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	h, ok := t.held[key]
	return ok && time.Since(h.renewed) < t.opts.TTL*2/3
}

// Held lists the keys this holder claims, sorted.
func (t *Table) Held() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]string, 0, len(t.held))
	for k := range t.held {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Release gives key up (deleting the claim only at the revision this
// holder wrote).
func (t *Table) Release(ctx context.Context, key string) error {
	t.mu.Lock()
	h, ok := t.held[key]
	delete(t.held, key)
	t.mu.Unlock()
	if !ok {
		return nil
	}
	if err := t.kv.Delete(ctx, key, jetstream.LastRevision(h.rev)); err != nil {
		return fmt.Errorf("lease: release %s: %w", key, err)
	}
	return nil
}

// Claims lists every live claim in the bucket whose key has prefix.
func (t *Table) Claims(ctx context.Context, prefix string) (map[string]Claim, error) {
	lister, err := t.kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("lease: list %s: %w", t.opts.Bucket, err)
	}
	out := map[string]Claim{}
	for k := range lister.Keys() {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		e, err := t.kv.Get(ctx, k)
		if err != nil {
			continue // expired or deleted between list and get
		}
		var c Claim
		if json.Unmarshal(e.Value(), &c) == nil {
			out[k] = c
		}
	}
	return out, nil
}

// Close releases every claim (drain) and stops renewing.
func (t *Table) Close(ctx context.Context) {
	t.once.Do(func() { close(t.stop) })
	t.wg.Wait()
	for _, k := range t.Held() {
		if err := t.Release(ctx, k); err != nil {
			t.opts.Logger.Warn("lease not released; it expires by itself", "key", k, "err", err)
		}
	}
}

func (t *Table) renewLoop() {
	tick := time.NewTicker(t.opts.TTL / 3)
	defer tick.Stop()
	for {
		select {
		case <-t.stop:
			return
		case <-tick.C:
			t.renewAll()
		}
	}
}

func (t *Table) renewAll() {
	t.mu.Lock()
	keys := make(map[string]uint64, len(t.held))
	for k, h := range t.held {
		keys[k] = h.rev
	}
	t.mu.Unlock()
	for k, rev := range keys {
		ctx, cancel := context.WithTimeout(context.Background(), t.opts.TTL/3)
		nrev, err := t.kv.Update(ctx, k, t.value(), rev)
		cancel()
		t.mu.Lock()
		h, ok := t.held[k]
		if !ok || h.rev != rev { // released meanwhile
			t.mu.Unlock()
			continue
		}
		if err == nil {
			h.rev, h.renewed = nrev, time.Now()
			t.mu.Unlock()
			continue
		}
		fenced := time.Since(h.renewed) >= t.opts.TTL*2/3
		lost := fenced || errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyNotFound) || isWrongLastSeq(err)
		if lost {
			delete(t.held, k)
		}
		t.mu.Unlock()
		if lost {
			t.opts.Logger.Warn("lease lost", "bucket", t.opts.Bucket, "key", k, "err", err)
			t.opts.OnLost(k)
		}
	}
}

func isWrongLastSeq(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence || apiErr.ErrorCode == 10164)
}
