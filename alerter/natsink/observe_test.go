package natsink

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/testutil"
)

// recorder is an Observer that keeps what it was told, per room, and can
// be held (every Observe waits until release is closed).
type recorder struct {
	release chan struct{}
	mu      sync.Mutex
	seen    map[string][]uint64 // room -> utterances observed, in order
	calls   int
}

func (r *recorder) Observe(ctx context.Context, a alerter.Alert, reminded bool, at time.Time) {
	if r.release != nil {
		<-r.release
	}
	if _, ok := ctx.Deadline(); !ok {
		panic("Observe without a deadline")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen[a.Room] = append(r.seen[a.Room], a.Utterance)
	r.calls++
}

// TestObserverOffSendsPath: Send returns while the Observer is still busy
// (it no longer waits for the escalation stage's round trips), and Close
// waits until every stored alert was observed once, each room's in the
// order Send stored them.
func TestObserverOffSendsPath(t *testing.T) {
	rec := &recorder{release: make(chan struct{}), seen: map[string][]uint64{}}
	e := newEnv(t, Options{Observer: rec})
	ctx := testutil.Context(t, 30*time.Second)
	const rooms, perRoom = 6, 20
	for u := uint64(1); u <= perRoom; u++ {
		for r := range rooms {
			// Send returns with every Observe held: nothing waits for it.
			if err := e.sink.Send(ctx, hit(fmt.Sprintf("room-%d", r), "r1", u)); err != nil {
				t.Fatalf("Send: %v", err)
			}
		}
	}
	// A duplicate is not observed again.
	if err := e.sink.Send(ctx, hit("room-0", "r1", 1)); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	early := rec.calls
	rec.mu.Unlock()
	if early != 0 {
		t.Fatalf("%d observations finished while every Observe was held", early)
	}
	close(rec.release)
	if err := e.sink.Close(); err != nil {
		t.Fatal(err)
	}
	if rec.calls != rooms*perRoom {
		t.Fatalf("observed %d alerts after Close, want %d", rec.calls, rooms*perRoom)
	}
	for r := range rooms {
		got := rec.seen[fmt.Sprintf("room-%d", r)]
		for i, u := range got {
			if u != uint64(i+1) {
				t.Fatalf("room-%d observed out of order: %v", r, got)
			}
		}
	}
}
