package placement

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/cluster/lease"
)

// View reads the room claims and the ingest workers' loads without
// holding any claim: what a node without the ingest role needs to send a
// WHIP publisher to the worker that owns its room, or to the least loaded
// one when nobody does.
type View struct {
	js jetstream.JetStream
	mu sync.Mutex
	kv jetstream.KeyValue // nil until the bucket exists (a worker made it)
}

// NewView reads the placement bucket through js.
func NewView(js jetstream.JetStream) *View { return &View{js: js} }

// Worker is a live ingest worker as its presence claim says.
type Worker struct {
	Holder string
	Load
}

func (v *View) bucket(ctx context.Context) (jetstream.KeyValue, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.kv != nil {
		return v.kv, nil
	}
	kv, err := v.js.KeyValue(ctx, Bucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, nil // no ingest worker ever started
	}
	if err != nil {
		return nil, fmt.Errorf("placement: bucket %s: %w", Bucket, err)
	}
	v.kv = kv
	return kv, nil
}

// Owner is the worker holding room's claim and its address; holder is ""
// when nobody holds it.
func (v *View) Owner(ctx context.Context, room string) (holder, addr string, err error) {
	kv, err := v.bucket(ctx)
	if err != nil || kv == nil {
		return "", "", err
	}
	e, err := kv.Get(ctx, roomPrefix+room)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("placement: read %s: %w", room, err)
	}
	var c lease.Claim
	if err := json.Unmarshal(e.Value(), &c); err != nil {
		return "", "", fmt.Errorf("placement: %s is not a claim: %w", room, err)
	}
	var l Load
	_ = json.Unmarshal(c.Info, &l) // no address: no redirect
	return c.Holder, l.Addr, nil
}

// Workers lists the live ingest workers, least loaded first (rooms, then
// CPU, then name).
func (v *View) Workers(ctx context.Context) ([]Worker, error) {
	kv, err := v.bucket(ctx)
	if err != nil || kv == nil {
		return nil, err
	}
	claims, err := lease.Claims(ctx, kv, nodePrefix)
	if err != nil {
		return nil, fmt.Errorf("placement: %w", err)
	}
	var out []Worker
	for k, c := range claims {
		w := Worker{Holder: strings.TrimPrefix(k, nodePrefix)}
		_ = json.Unmarshal(c.Info, &w.Load)
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Rooms != b.Rooms {
			return a.Rooms < b.Rooms
		}
		if a.CPU != b.CPU {
			return a.CPU < b.CPU
		}
		return a.Holder < b.Holder
	})
	return out, nil
}
