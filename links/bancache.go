package links

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/nats-io/nats.go/jetstream"
)

// banCache is the ban list kept in memory by a watch of EARSHOT_BANS, so
// the scan role checks the accounts sharing an identifier without one KV
// read each (a number said by hundreds of accounts would cost hundreds).
// Every node's cache follows bans and lifts within the watch's latency.
type banCache struct {
	mu    sync.RWMutex
	bans  map[string]Ban // by ban key
	ready chan struct{}  // closed once the initial values are in
	w     jetstream.KeyWatcher
	done  chan struct{}
}

func watchBans(ctx context.Context, kv jetstream.KeyValue) (*banCache, error) {
	w, err := kv.Watch(ctx, "ban.>")
	if err != nil {
		return nil, fmt.Errorf("links: watch %s: %w", BanBucket, err)
	}
	c := &banCache{bans: map[string]Ban{}, ready: make(chan struct{}), w: w, done: make(chan struct{})}
	go c.run()
	return c, nil
}

func (c *banCache) run() {
	defer close(c.done)
	readyOnce := sync.OnceFunc(func() { close(c.ready) })
	defer readyOnce()
	for e := range c.w.Updates() {
		if e == nil { // the initial values are in
			readyOnce()
			continue
		}
		c.mu.Lock()
		var b Ban
		if e.Operation() != jetstream.KeyValuePut || json.Unmarshal(e.Value(), &b) != nil {
			delete(c.bans, e.Key())
		} else {
			c.bans[e.Key()] = b
		}
		c.mu.Unlock()
	}
}

// set and del write this node's own changes through, so a ban is in
// force here at once; the watch brings other nodes' changes.
func (c *banCache) set(key string, b Ban) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bans[key] = b
}

func (c *banCache) del(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.bans, key)
}

// get answers from memory once the cache is filled; ok reports whether it
// could (false: ask the bucket).
func (c *banCache) get(key string) (b Ban, found, ok bool) {
	select {
	case <-c.ready:
	default:
		return Ban{}, false, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	b, found = c.bans[key]
	return b, found, true
}

func (c *banCache) stop() {
	_ = c.w.Stop()
	<-c.done
}
