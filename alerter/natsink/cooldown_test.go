package natsink

import (
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/testutil"
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

// TestSharedCooldownHandsOver: the shared cooldown is read in parallel
// with the store and written off the Send path, and still hands over: a
// second Sink (the scanner that takes the room over) finds the first's
// entry once the first is closed, holds the reminder inside the cooldown,
// and continues the repeat count after it.
func TestSharedCooldownHandsOver(t *testing.T) {
	ctx := testutil.Context(t, 30*time.Second)
	a := newEnv(t, Options{Cooldown: 20 * time.Second})
	js, err := jetstream.New(a.nc)
	if err != nil {
		t.Fatal(err)
	}
	shared, err := KVCooldown(ctx, js, time.Hour, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	first, err := New(ctx, a.nc, Options{Cooldown: 20 * time.Second, SharedCooldown: shared, Now: a.clock.Now, Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := a.nc.SubscribeSync(alerter.ReminderSubject("R1"))
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Send(ctx, hit("R1", "r", 1)); err != nil {
		t.Fatal(err)
	}
	if got := reminders(t, a.nc, sub); len(got) != 1 || got[0].Repeat != 1 {
		t.Fatalf("first reminder: %+v", got)
	}
	if err := first.Close(); err != nil { // waits for the shared write
		t.Fatal(err)
	}
	second, err := New(ctx, a.nc, Options{Cooldown: 20 * time.Second, SharedCooldown: shared, Now: a.clock.Now, Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = second.Close() })
	a.clock.Advance(5 * time.Second)
	if err := second.Send(ctx, hit("R1", "r", 2)); err != nil {
		t.Fatal(err)
	}
	if got := reminders(t, a.nc, sub); len(got) != 0 {
		t.Fatalf("reminded inside the handed-over cooldown: %+v", got)
	}
	a.clock.Advance(20 * time.Second)
	if err := second.Send(ctx, hit("R1", "r", 3)); err != nil {
		t.Fatal(err)
	}
	if got := reminders(t, a.nc, sub); len(got) != 1 || got[0].Repeat != 2 {
		t.Fatalf("after the cooldown: %+v, want one reminder with repeat 2", got)
	}
}
