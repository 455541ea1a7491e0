package natsink

import (
	"strconv"
	"testing"
	"time"
)

func TestCooldownBounded(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c := newCooldown(time.Minute, 100)
	for i := range 1000 {
		if _, ok := c.take("R"+strconv.Itoa(i), "r", t0, 20*time.Second); !ok {
			t.Fatalf("fresh room %d held", i)
		}
	}
	if n := c.len(); n != 100 {
		t.Fatalf("table holds %d entries, cap 100", n)
	}
	// Past the reset period the next take sweeps everything else out.
	if _, ok := c.take("late", "r", t0.Add(2*time.Minute), 0); !ok {
		t.Fatal("held")
	}
	if n := c.len(); n != 1 {
		t.Fatalf("after expiry table holds %d entries", n)
	}
}

func TestCooldownLongerThanReset(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c := newCooldown(time.Minute, 10)
	if _, ok := c.take("R", "r", t0, time.Hour); !ok {
		t.Fatal("first held")
	}
	// A sweep at +30 min must not forget the hour-long cooldown.
	c.take("other", "r", t0.Add(30*time.Minute), 0)
	if _, ok := c.take("R", "r", t0.Add(31*time.Minute), time.Hour); ok {
		t.Fatal("cooldown forgotten")
	}
	// More than the reset period passed since the last reminder, so the
	// count starts again.
	if n, ok := c.take("R", "r", t0.Add(61*time.Minute), time.Hour); !ok || n != 1 {
		t.Fatalf("after the hour: repeat %d ok %v", n, ok)
	}
}
