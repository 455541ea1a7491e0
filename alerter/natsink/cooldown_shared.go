package natsink

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// SharedCooldown keeps the cooldown of (room, rule) where every scanner
// sees it, so a room's reminders keep their pace when its partition moves
// to another scanner (cluster/utt). The local table stays the fast path:
// the shared one is read only for a (room, rule) this Sink has no entry
// for, and written after each reminder.
type SharedCooldown interface {
	Load(ctx context.Context, room, rule string) (CooldownState, bool)
	Store(ctx context.Context, room, rule string, st CooldownState) error
}

// CooldownState is one (room, rule) entry of the cooldown table.
type CooldownState struct {
	Until   time.Time `json:"until"`
	Expires time.Time `json:"expires"`
	Count   int       `json:"count"`
}

// CooldownBucket is the KV bucket of KVCooldown.
const CooldownBucket = "EARSHOT_COOLDOWN"

// KVCooldown keeps cooldowns in the KV bucket CooldownBucket, made or
// joined here with entries expiring after ttl (the repeat-reset period).
// The bucket holds at most maxBytes (0: no bound); its entries are a few
// hundred bytes and expire after ttl.
func KVCooldown(ctx context.Context, js jetstream.JetStream, ttl time.Duration, replicas int, maxBytes int64) (SharedCooldown, error) {
	if ttl <= 0 {
		ttl = DefaultRepeatReset
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: CooldownBucket, Description: "earshot reminder cooldowns per room and rule", History: 1,
		TTL: ttl, Replicas: max(replicas, 1), Storage: jetstream.FileStorage,
		MaxBytes: maxBytes, MaxValueSize: 4 << 10,
	})
	if err != nil {
		return nil, fmt.Errorf("natsink: cooldown bucket: %w", err)
	}
	return kvCooldown{kv}, nil
}

type kvCooldown struct{ kv jetstream.KeyValue }

// cooldownKey is a valid KV key for any rule id.
func cooldownKVKey(room, rule string) string {
	sum := sha256.Sum256([]byte(rule))
	return room + "." + hex.EncodeToString(sum[:12])
}

func (c kvCooldown) Load(ctx context.Context, room, rule string) (CooldownState, bool) {
	e, err := c.kv.Get(ctx, cooldownKVKey(room, rule))
	if err != nil {
		return CooldownState{}, false
	}
	var st CooldownState
	if json.Unmarshal(e.Value(), &st) != nil {
		return CooldownState{}, false
	}
	return st, true
}

func (c kvCooldown) Store(ctx context.Context, room, rule string, st CooldownState) error {
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if _, err := c.kv.Put(ctx, cooldownKVKey(room, rule), data); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("natsink: storing cooldown: %w", err)
	}
	return nil
}

// seed puts a shared entry into the local table if it has none.
func (c *cooldown) seed(room, rule string, st CooldownState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := cooldownKey{room, rule}
	if _, ok := c.entries[k]; ok {
		return
	}
	c.makeRoom()
	c.entries[k] = &cooldownEntry{until: st.Until, expires: st.Expires, count: st.Count}
}

// has reports whether the local table has an entry for (room, rule).
func (c *cooldown) has(room, rule string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.entries[cooldownKey{room, rule}]
	return ok
}

// state is the local entry of (room, rule).
func (c *cooldown) state(room, rule string) CooldownState {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[cooldownKey{room, rule}]
	if e == nil {
		return CooldownState{}
	}
	return CooldownState{Until: e.until, Expires: e.expires, Count: e.count}
}
