package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// liveWithin is how recently a node's entry must have been renewed for
// Forget to call it live: two renewals, so a node that missed one under
// load is still not forgotten from under itself.
const liveWithin = 2*renewEvery + 10*time.Second

// ErrLive is Forget's refusal of a node that is still renewing its
// registration (it would register again within a minute).
var ErrLive = errors.New("index node is live")

// Forget removes a decommissioned index node's registration, so searches
// stop waiting for it and reporting it missing before ForgetAfter has
// passed. A node renewed within liveWithin is refused (ErrLive): it is
// running, and would be back within a minute; stop it first. A node not
// registered is an error naming those that are.
func Forget(ctx context.Context, js jetstream.JetStream, node string, now time.Time) error {
	if !validNodeID(node) {
		return fmt.Errorf("search: %q is not an index node id (lower-case letters, digits, - and _; at most 64)", node)
	}
	kv, err := js.KeyValue(ctx, Bucket)
	if err != nil {
		return fmt.Errorf("search: bucket %s: %w", Bucket, err)
	}
	e, err := kv.Get(ctx, node)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return fmt.Errorf("search: no index node %s is registered (registered: %s)", node, registered(ctx, kv))
	}
	if err != nil {
		return fmt.Errorf("search: reading %s: %w", node, err)
	}
	var en entry
	if err := json.Unmarshal(e.Value(), &en); err != nil {
		return fmt.Errorf("search: registration of %s: %w", node, err)
	}
	if age := now.Sub(en.At); age < liveWithin {
		return fmt.Errorf("search: %s (held by %s) renewed its registration %s ago: %w; stop it first",
			node, en.Holder, age.Round(time.Second), ErrLive)
	}
	// The revision check keeps a node that came back meanwhile (and
	// renewed) registered.
	if err := kv.Delete(ctx, node, jetstream.LastRevision(e.Revision())); err != nil {
		return fmt.Errorf("search: forgetting %s: %w", node, err)
	}
	return nil
}

// registered lists the bucket's nodes for an error message.
func registered(ctx context.Context, kv jetstream.KeyValue) string {
	l, err := kv.ListKeys(ctx)
	if err != nil {
		return "unknown: " + err.Error()
	}
	var ks []string
	for k := range l.Keys() {
		ks = append(ks, k)
	}
	if len(ks) == 0 {
		return "none"
	}
	slices.Sort(ks)
	return strings.Join(ks, ", ")
}
