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
	kv     jetstream.KeyValue
	stream jetstream.Stream // the bucket's, for delete markers (create)
	opts   Options
	stop   chan struct{}
	once   sync.Once
	wg     sync.WaitGroup

	mu   sync.Mutex
	held map[string]*held
	info json.RawMessage
	keep map[string]bool // keys taken again whenever lost (Keep)
	// closed is set by Close: no Touch starts after it waits.
	closed bool
}

type held struct {
	rev     uint64
	renewed time.Time
	taken   time.Time
	// moved is set when the claim was taken over another holder's
	// release (a delete marker, which lives one TTL): the key just
	// changed hands, as opposed to being new or having expired.
	moved bool
	// renewing is set while a renewal of the key is in flight: one at a
	// time (the tick's or Touch's), since two updates at one revision
	// would make the later look like a lost claim.
	renewing bool
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
	stream, err := js.Stream(ctx, "KV_"+opts.Bucket)
	if err != nil {
		return nil, fmt.Errorf("lease: bucket %s: stream: %w", opts.Bucket, err)
	}
	t := &Table{kv: kv, stream: stream, opts: opts, stop: make(chan struct{}), held: map[string]*held{}, keep: map[string]bool{}}
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
	rev, moved, err := t.create(ctx, key)
	if errors.Is(err, jetstream.ErrKeyExists) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("lease: take %s: %w", key, err)
	}
	now := time.Now()
	t.mu.Lock()
	t.held[key] = &held{rev: rev, renewed: now, taken: now, moved: moved}
	t.mu.Unlock()
	return true, nil
}

// create is jetstream's KeyValue.Create (write at revision 0, or at the
// delete marker's revision when the key was deleted: both a CAS, so of
// two takers after a delete one wins, nats.rs#1301), which also says
// whether the key was taken over a delete marker: released by its last
// holder within the last TTL (moved).
func (t *Table) create(ctx context.Context, key string) (rev uint64, moved bool, err error) {
	rev, err = t.kv.Update(ctx, key, t.value(), 0)
	if err == nil {
		return rev, false, nil
	}
	if !isWrongLastSeq(err) && !errors.Is(err, jetstream.ErrKeyExists) {
		return 0, false, err
	}
	// The KV API hides a delete marker's revision (Get says not found):
	// read the key's last message from the bucket's stream.
	msg, gerr := t.stream.GetLastMsgForSubject(ctx, "$KV."+t.opts.Bucket+"."+key)
	switch {
	case errors.Is(gerr, jetstream.ErrMsgNotFound): // expired just now: next tick
		return 0, false, jetstream.ErrKeyExists
	case gerr != nil:
		return 0, false, gerr
	}
	if op := msg.Header.Get("KV-Operation"); op != "DEL" && op != "PURGE" {
		return 0, false, jetstream.ErrKeyExists // held
	}
	rev, err = t.kv.Update(ctx, key, t.value(), msg.Sequence)
	if err != nil && isWrongLastSeq(err) {
		return 0, false, jetstream.ErrKeyExists // another taker won the marker
	}
	return rev, err == nil, err
}

// Moved reports when this holder took key, and whether it took it over
// its previous holder's release (the key changed hands then) rather than
// as a new or expired key. ok is false when key is not held.
func (t *Table) Moved(key string) (taken time.Time, moved, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	h, ok := t.held[key]
	if !ok {
		return time.Time{}, false, false
	}
	return h.taken, h.moved, true
}

// Touch renews key now (with the info set last), so what its value says
// is read by others at once rather than at the next tick. Not held: a
// no-op.
// It does not wait for the write (a renewal of every key may be under
// way).
func (t *Table) Touch(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	t.wg.Go(func() { t.renew(key) })
}

// Keep holds key for as long as the Table is open: it is taken now if it
// can be, and again at every renewal tick whenever it is not held (its
// renewal failed because a NATS server died and the stream did not
// answer, it expired while this process was paused). For claims that say
// "this node is alive" (presence), not for exclusive work, whose loser
// must let another holder take over.
func (t *Table) Keep(key string) {
	t.mu.Lock()
	t.keep[key] = true
	t.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), t.opts.TTL/3)
	defer cancel()
	if err := t.retake(ctx, key); err != nil {
		t.opts.Logger.Warn("lease: not taken yet; trying again every tick", "bucket", t.opts.Bucket, "key", key, "err", err)
	}
}

// retake takes a kept key: free, or still holding this holder's own claim
// from before the loss (updated at its revision, so a claim another holder
// wrote meanwhile is never overwritten).
func (t *Table) retake(ctx context.Context, key string) error {
	ok, err := t.TryTake(ctx, key)
	if ok || err != nil {
		return err
	}
	e, err := t.kv.Get(ctx, key)
	if err != nil {
		return fmt.Errorf("lease: take %s: %w", key, err)
	}
	var c Claim
	if json.Unmarshal(e.Value(), &c) != nil || c.Holder != t.opts.Holder {
		return fmt.Errorf("lease: %s is held by %q", key, c.Holder)
	}
	rev, err := t.kv.Update(ctx, key, t.value(), e.Revision())
	if err != nil {
		return fmt.Errorf("lease: take %s back: %w", key, err)
	}
	now := time.Now()
	t.mu.Lock()
	t.held[key] = &held{rev: rev, renewed: now, taken: now}
	t.mu.Unlock()
	return nil
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
	var renewing bool
	if ok {
		renewing = h.renewing
	}
	t.mu.Unlock()
	if !ok {
		return nil
	}
	err := t.kv.Delete(ctx, key, jetstream.LastRevision(h.rev))
	if err != nil && renewing && isWrongLastSeq(err) {
		return nil // the renewal in flight wrote after rev; it deletes at its own (finishRelease)
	}
	if err != nil {
		return fmt.Errorf("lease: release %s: %w", key, err)
	}
	return nil
}

// Claim reads key's current claim; ok is false when nobody holds it.
func (t *Table) Claim(ctx context.Context, key string) (c Claim, ok bool, err error) {
	e, err := t.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
		return Claim{}, false, nil
	}
	if err != nil {
		return Claim{}, false, fmt.Errorf("lease: read %s: %w", key, err)
	}
	if err := json.Unmarshal(e.Value(), &c); err != nil {
		return Claim{}, false, fmt.Errorf("lease: %s is not a claim: %w", key, err)
	}
	return c, true, nil
}

// Claims lists every live claim in the bucket whose key has prefix.
func (t *Table) Claims(ctx context.Context, prefix string) (map[string]Claim, error) {
	return Claims(ctx, t.kv, prefix)
}

// Claims lists every live claim in kv whose key has prefix; a prefix
// ending in "." is listed by the server's subject filter, not by reading
// every key of the bucket (the node claims among thousands of rooms').
func Claims(ctx context.Context, kv jetstream.KeyValue, prefix string) (map[string]Claim, error) {
	var lister jetstream.KeyLister
	var err error
	if strings.HasSuffix(prefix, ".") {
		lister, err = kv.ListKeysFiltered(ctx, prefix+">")
	} else {
		lister, err = kv.ListKeys(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("lease: list %s: %w", kv.Bucket(), err)
	}
	out := map[string]Claim{}
	for k := range lister.Keys() {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		e, err := kv.Get(ctx, k)
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
	t.mu.Lock()
	t.closed = true
	t.mu.Unlock()
	t.wg.Wait()
	t.mu.Lock()
	clear(t.keep)
	t.mu.Unlock()
	for _, k := range t.Held() {
		if err := t.Release(ctx, k); err != nil {
			t.opts.Logger.Warn("lease not released; it expires by itself", "key", k, "err", err)
		}
	}
}
