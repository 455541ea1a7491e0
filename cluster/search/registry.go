package search

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Bucket holds the index nodes' registrations, keyed by node id.
const Bucket = "EARSHOT_INDEX_NODES"

// Registry defaults.
const (
	// DefaultForgetAfter is how long a node that stopped renewing its
	// registration is still waited for (and reported missing): a node
	// down for maintenance is missed, one removed for good is forgotten
	// by the next day.
	DefaultForgetAfter = 24 * time.Hour
	// renewEvery keeps a live node's entry fresh, well inside any TTL.
	renewEvery = time.Minute
)

// entry is a node's registration.
type entry struct {
	Holder string    `json:"holder"`
	At     time.Time `json:"at"`
}

// RegistryOptions configure Register and OpenRegistry.
type RegistryOptions struct {
	// ForgetAfter is the bucket's TTL; default DefaultForgetAfter.
	ForgetAfter time.Duration
	Replicas    int
	MaxBytes    int64
	Logger      *slog.Logger
}

// Registry reads and writes EARSHOT_INDEX_NODES.
type Registry struct {
	kv  jetstream.KeyValue
	log *slog.Logger

	mu     sync.Mutex
	cached []string
	until  time.Time
}

// OpenRegistry makes or joins the bucket.
func OpenRegistry(ctx context.Context, js jetstream.JetStream, o RegistryOptions) (*Registry, error) {
	if o.ForgetAfter <= 0 {
		o.ForgetAfter = DefaultForgetAfter
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: Bucket, Description: "earshot index nodes a transcript search waits for",
		History: 1, TTL: o.ForgetAfter, Replicas: max(o.Replicas, 1), Storage: jetstream.FileStorage,
		MaxBytes: o.MaxBytes, MaxValueSize: 1 << 10,
	})
	if err != nil {
		return nil, fmt.Errorf("search: bucket %s: %w", Bucket, err)
	}
	return &Registry{kv: kv, log: o.Logger}, nil
}

// Register puts node's entry now and renews it until ctx ends. Call it
// once per index node; the entry outlives the node by ForgetAfter.
func (r *Registry) Register(ctx context.Context, node, holder string) error {
	put := func(ctx context.Context) error {
		b, _ := json.Marshal(entry{Holder: holder, At: time.Now().UTC()})
		_, err := r.kv.Put(ctx, node, b)
		return err
	}
	if err := put(ctx); err != nil {
		return fmt.Errorf("search: register index node %s: %w", node, err)
	}
	go func() {
		t := time.NewTicker(renewEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				if err := put(pctx); err != nil && ctx.Err() == nil {
					r.log.Warn("index node registration not renewed; retrying", "node", node, "err", err)
				}
				cancel()
			}
		}
	}()
	return nil
}

// cacheFor is how long Nodes answers from memory: a search per keystroke
// must not list the bucket each time.
const cacheFor = 2 * time.Second

// Nodes lists the registered index nodes.
func (r *Registry) Nodes(ctx context.Context) ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if time.Now().Before(r.until) {
		return r.cached, nil
	}
	lister, err := r.kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("search: list %s: %w", Bucket, err)
	}
	var out []string
	for k := range lister.Keys() {
		out = append(out, k)
	}
	r.cached, r.until = out, time.Now().Add(cacheFor)
	return out, nil
}

// forget drops the cache (tests, and a fan-out that just heard from a node
// it did not know).
func (r *Registry) forget() {
	r.mu.Lock()
	r.until = time.Time{}
	r.mu.Unlock()
}

// NodeID returns the id of the index kept in dir, made on first use: the
// id names the data, not the process, so a restarted node is the same
// node and a search waits for it by that name.
func NodeID(dir string) (string, error) {
	path := filepath.Join(dir, "index-node-id")
	b, err := os.ReadFile(path)
	if err == nil {
		id := strings.TrimSpace(string(b))
		if validNodeID(id) {
			return id, nil
		}
		return "", fmt.Errorf("search: %s: %q is not a node id (delete the file to make a new one)", path, id)
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("search: %w", err)
	}
	id := "ix" + strings.ToLower(rand.Text()[:16])
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("search: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(id+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("search: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("search: %w", err)
	}
	return id, nil
}

// validNodeID: one NATS subject token and one KV key.
func validNodeID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
