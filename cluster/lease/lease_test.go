package lease

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

func tables(t *testing.T, n int, ttl time.Duration, lost func(holder, key string)) []*Table {
	t.Helper()
	srv := natstest.Start(t, "")
	var out []*Table
	for i := range n {
		nc := natstest.Service(t, srv)
		js, err := jetstream.New(nc)
		if err != nil {
			t.Fatal(err)
		}
		holder := string(rune('a' + i))
		tab, err := Open(context.Background(), js, Options{Bucket: "TEST_LEASES", Holder: holder, TTL: ttl, Logger: testutil.Quiet(),
			OnLost: func(k string) {
				if lost != nil {
					lost(holder, k)
				}
			}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { tab.Close(context.Background()) })
		out = append(out, tab)
	}
	return out
}

// TestOneHolder: a claim has one holder; after a release, of many takers
// racing over the tombstone exactly one wins (create-after-delete).
func TestOneHolder(t *testing.T) {
	ts := tables(t, 4, 3*time.Second, nil)
	ctx := context.Background()
	if ok, err := ts[0].TryTake(ctx, "room1"); !ok || err != nil {
		t.Fatalf("first take: %v %v", ok, err)
	}
	if ok, _ := ts[1].TryTake(ctx, "room1"); ok {
		t.Fatal("a second holder took a held claim")
	}
	for round := range 5 {
		var holder *Table
		for _, tab := range ts {
			if tab.Holds("room1") {
				holder = tab
			}
		}
		if err := holder.Release(ctx, "room1"); err != nil {
			t.Fatal(err)
		}
		var wins atomic.Int32
		var wg sync.WaitGroup
		for _, tab := range ts {
			wg.Go(func() {
				if ok, err := tab.TryTake(ctx, "room1"); ok && err == nil {
					wins.Add(1)
				}
			})
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("round %d: %d takers won the released claim, want 1", round, wins.Load())
		}
	}
}

// TestExpiresAndRenews: a renewed claim outlives its TTL; an abandoned one
// expires and another holder takes it, and Claims names the holder.
func TestExpiresAndRenews(t *testing.T) {
	ttl := 1500 * time.Millisecond
	ts := tables(t, 2, ttl, nil)
	ctx := context.Background()
	if ok, _ := ts[0].TryTake(ctx, "k"); !ok {
		t.Fatal("take")
	}
	taken := time.Now()
	// Twice the TTL later the claim is still a's: renewals keep it.
	testutil.WaitFor(t, 10*time.Second, "two TTLs of renewals", func() bool {
		if ok, _ := ts[1].TryTake(ctx, "k"); ok || !ts[0].Holds("k") {
			t.Fatal("a renewed claim was lost")
		}
		return time.Since(taken) > 2*ttl
	})
	ts[0].Close(ctx) // releases
	testutil.WaitFor(t, 5*time.Second, "b takes the released claim", func() bool {
		ok, _ := ts[1].TryTake(ctx, "k")
		return ok
	})
	cs, err := ts[1].Claims(ctx, "")
	if err != nil || cs["k"].Holder != "b" {
		t.Fatalf("claims %+v, %v", cs, err)
	}
}

// TestMoved: a key taken over another holder's release says it moved; a
// new key, or one taken after its claim expired, does not.
func TestMoved(t *testing.T) {
	ts := tables(t, 2, time.Second, nil)
	ctx := context.Background()
	if ok, _ := ts[0].TryTake(ctx, "k"); !ok {
		t.Fatal("take")
	}
	if _, moved, ok := ts[0].Moved("k"); !ok || moved {
		t.Fatalf("a new key: moved %v held %v", moved, ok)
	}
	if err := ts[0].Release(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := ts[1].TryTake(ctx, "k"); !ok {
		t.Fatal("take after release")
	}
	if _, moved, _ := ts[1].Moved("k"); !moved {
		t.Fatal("taken over a release: not moved")
	}
	if ok, _ := ts[0].TryTake(ctx, "k"); ok {
		t.Fatal("a held key taken twice")
	}
	// Touches racing the renewals never look like a lost claim.
	from := time.Now()
	testutil.WaitFor(t, 5*time.Second, "two TTLs of renewals and touches", func() bool {
		ts[1].Touch("k")
		if !ts[1].Holds("k") {
			t.Fatal("a touched claim was lost")
		}
		return time.Since(from) > 2*time.Second
	})
}
