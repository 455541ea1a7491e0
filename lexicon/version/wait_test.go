package version

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
)

// TestActiveWaitFor: waiters for different versions each wake at the first
// swap that reaches theirs, never earlier; a swap between a waiter's check
// and its wait is not missed (run with -race, many rounds).
func TestActiveWaitFor(t *testing.T) {
	for round := range 50 {
		var a Active
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		var wg sync.WaitGroup
		got := make([]int, 6)
		for n := 1; n <= 5; n++ {
			wg.Go(func() {
				c, err := a.waitFor(ctx, n, nil)
				if err != nil {
					t.Errorf("round %d: waitFor(%d): %v", round, n, err)
					return
				}
				got[n] = c.Meta.Number
			})
		}
		for v := 1; v <= 5; v++ {
			a.swap(&Compiled{Meta: Version{Number: v}})
		}
		wg.Wait()
		cancel()
		for n := 1; n <= 5; n++ {
			if got[n] < n {
				t.Fatalf("round %d: waiter for %d woke with version %d", round, n, got[n])
			}
		}
	}
}

// TestWatcherWaitFor: WaitFor returns once a published version is active
// on the watcher, and fails cleanly on a cancelled wait or a stopped watch.
func TestWatcherWaitFor(t *testing.T) {
	ns := startNATS(t)
	s := openStore(t, ns)
	ctx := context.Background()
	if _, err := s.Bootstrap(ctx, "seed.yaml", lexiconYAML("seed", "r0")); err != nil {
		t.Fatal(err)
	}
	wctx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	w, err := Watch(wctx, openStore(t, ns).KV(), WatchOptions{Logger: testutil.Quiet(), Keys: testKeys})
	if err != nil {
		t.Fatal(err)
	}
	deadline, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if c, err := w.WaitFor(deadline, 1); err != nil || c.Meta.Number != 1 {
		t.Fatalf("WaitFor(1) with 1 active: %v, %v", c, err)
	}
	result := make(chan *Compiled, 1)
	go func() {
		c, err := w.WaitFor(deadline, 3)
		if err != nil {
			t.Errorf("WaitFor(3): %v", err)
		}
		result <- c
	}()
	for _, name := range []string{"two", "three"} {
		if _, err := s.Publish(ctx, Draft{YAML: lexiconYAML(name, "r-"+name)}); err != nil {
			t.Fatal(err)
		}
	}
	if c := <-result; c == nil || c.Meta.Number != 3 || w.Load().Meta.Number != 3 {
		t.Fatalf("WaitFor(3) returned %+v", c)
	}

	short, cancelShort := context.WithCancel(ctx)
	cancelShort()
	if _, err := w.WaitFor(short, 99); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled WaitFor: %v, want context.Canceled", err)
	}
	stopWatch()
	if _, err := w.WaitFor(deadline, 99); !errors.Is(err, ErrStopped) {
		t.Errorf("WaitFor after the watch stopped: %v, want ErrStopped", err)
	}
}
