package ratelimit

import (
	"fmt"
	"testing"
	"time"
)

func TestAllowBurstThenRefill(t *testing.T) {
	k, err := New(Rate{PerSecond: 2, Burst: 3}, 10)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1000, 0)
	for i := range 3 {
		if ok, _ := k.Allow("a", now); !ok {
			t.Fatalf("request %d of the burst refused", i)
		}
	}
	ok, wait := k.Allow("a", now)
	if ok || wait <= 0 || wait > 500*time.Millisecond {
		t.Fatalf("4th request at once: ok=%v wait=%v, want refused with a wait of at most 500ms", ok, wait)
	}
	// A refused request takes no token: after the wait one is there.
	if ok, _ := k.Allow("a", now.Add(wait)); !ok {
		t.Fatalf("after waiting %v the request is still refused", wait)
	}
	// Other keys have their own bucket.
	if ok, _ := k.Allow("b", now); !ok {
		t.Fatal("key b refused because of key a")
	}
}

// TestBounded: invented keys never grow the map beyond its bound, and the
// least recently used key is the one forgotten.
func TestBounded(t *testing.T) {
	k, err := New(Rate{PerSecond: 1, Burst: 1}, 100)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1000, 0)
	k.Allow("kept", now)
	for i := range 10000 {
		k.Allow("kept", now) // stays recently used (and refused: burst 1)
		k.Allow(fmt.Sprintf("invented-%d", i), now)
	}
	if n := k.Len(); n != 100 {
		t.Fatalf("%d keys after 10000 invented ones, want the bound 100", n)
	}
	if ok, _ := k.Allow("kept", now); ok {
		t.Fatal("the recently used key was forgotten (its empty bucket was replaced by a full one)")
	}
}

func TestValidate(t *testing.T) {
	for _, r := range []Rate{{0, 1}, {-1, 1}, {1, 0}} {
		if _, err := New(r, 10); err == nil {
			t.Errorf("%+v accepted", r)
		}
	}
}

func BenchmarkAllow(b *testing.B) {
	k, _ := New(Rate{PerSecond: 1e9, Burst: 1 << 30}, 10000)
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = fmt.Sprintf("10.0.%d.%d", i/256, i%256)
	}
	now := time.Now()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k.Allow(keys[i%len(keys)], now)
	}
}
