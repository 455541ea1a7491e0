package trust

import (
	"fmt"
	"testing"
	"time"
)

// TestCacheGenerations: a generation rotates when full or old; a rotation
// keeps the entries read again since (no reload), drops the rest at the
// next one, never happens with unflushed changes, and holds the cache at
// twice a generation at most.
func TestCacheGenerations(t *testing.T) {
	loads := map[string]int{}
	c := newCache(func(key string) ([]byte, uint64, bool, error) {
		loads[key]++
		return []byte(`{"date":"2026-12-01"}`), 7, true, nil
	}, nil)
	read := func(id string) {
		t.Helper()
		if _, err := c.day(Anchor, id, "2026-12-01"); err != nil {
			t.Fatal(err)
		}
	}
	key := func(id string) string { return dayKey(Anchor, id, "2026-12-01") }
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		read(id)
	}
	now := c.born
	if !c.rotate(3, time.Hour, now) {
		t.Fatal("5 entries over a generation of 3: no rotation")
	}
	read("a") // hot: from the old generation
	if loads[key("a")] != 1 {
		t.Errorf("a was loaded %d times, want once (it moved generations)", loads[key("a")])
	}
	if c.rotate(3, time.Hour, now) {
		t.Error("rotated with 1 entry in a young generation of 3")
	}
	if !c.rotate(3, time.Hour, now.Add(time.Hour)) {
		t.Fatal("no rotation of a generation an hour old")
	}
	read("a")
	read("b") // cold: dropped with the old generation
	if loads[key("a")] != 1 || loads[key("b")] != 2 {
		t.Errorf("loads a=%d b=%d, want 1 and 2", loads[key("a")], loads[key("b")])
	}
	c.dirty(key("b"))
	if c.rotate(0, 0, now) {
		t.Error("rotated with an unflushed change")
	}
	delete(c.changed, key("b"))
	for i := range 1000 {
		read(fmt.Sprint("x", i))
		c.rotate(50, time.Hour, now)
		if n := c.size(); n > 2*50+1 {
			t.Fatalf("after %d reads the cache holds %d entries, want at most %d", i+1, n, 2*50+1)
		}
	}
}
