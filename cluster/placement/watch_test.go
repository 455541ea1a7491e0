package placement

import (
	"fmt"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

// TestRoomsElsewhereCostNothing: a worker registered with 100 rooms that
// another worker pulls sends NATS next to nothing while they stay there
// (its presence and load only), instead of a claim take per room four
// times a second; when the other worker dies without a word, every room
// is still live on it within 5 s (the watch notices the claims not
// renewed).
func TestRoomsElsewhereCostNothing(t *testing.T) {
	srv := natstest.Start(t, "")
	var ids []string
	for i := range 100 {
		ids = append(ids, fmt.Sprintf("room%03d", i))
	}
	var ps pulls
	fast := func(o *Options) { o.IntakePerSecond = 1000 }
	a := startRecorded(t, srv, "a", &ps, func(o *Options) { fast(o); o.MovePerSecond = -1 }) // takes every room alone and keeps them
	a.add(t, ids)
	testutil.WaitFor(t, 15*time.Second, "every room live on a", func() bool { return len(a.live()) == len(ids) })

	b := startRecorded(t, srv, "b", &ps, fast)
	b.add(t, ids)
	testutil.WaitFor(t, 10*time.Second, "b sees every room elsewhere", func() bool {
		for _, s := range b.reg.Rooms() {
			if s.State != "elsewhere" {
				return false
			}
		}
		return true
	})
	before := b.nc.Stats().OutMsgs
	const idle = 3 * time.Second
	time.Sleep(idle) // the span whose messages are counted, not a wait for something
	sent := b.nc.Stats().OutMsgs - before
	// Presence renewals and load reads every TTL/3: a few a second,
	// whatever the rooms. Polling sent ~4 per room a second (1,200 here).
	t.Logf("b sent %d messages in %v with %d rooms held elsewhere", sent, idle, len(ids))
	if sent > 40 {
		t.Errorf("b sent %d messages in %v for rooms it does not hold, want a handful", sent, idle)
	}
	if len(b.live()) != 0 {
		t.Fatalf("b pulls %d rooms a holds", len(b.live()))
	}

	killed := time.Now()
	a.pl.stop()
	a.nc.Close()
	testutil.WaitFor(t, 10*time.Second, "every room live on b", func() bool { return len(b.live()) == len(ids) })
	if moved := time.Since(killed); moved > 5*time.Second {
		t.Errorf("rooms moved in %v after the kill, want under 5 s", moved)
	} else {
		t.Logf("rooms live on b %v after the kill", moved)
	}
}
