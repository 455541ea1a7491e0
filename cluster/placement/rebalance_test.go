package placement

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter/natsembed"
	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/rooms"
)

// pulls records every pull of every room, as the far end sees it.
type pulls struct{ testutil.Pulls }

func (ps *pulls) open(worker string) rooms.OpenFunc {
	return func(u, _ string) (ingest.Source, error) { return recorded{ps: ps, url: u}, nil }
}

// stayPut fails the test if any room starts a pull again within three
// lease periods (3 s claims).
func (ps *pulls) stayPut(t *testing.T, when string) {
	t.Helper()
	before, _, _ := ps.Report(time.Time{})
	deadline := time.Now().Add(3 * 3 * time.Second)
	for time.Now().Before(deadline) {
		if starts, _, _ := ps.Report(time.Time{}); !testutil.SameCounts(starts, before) {
			t.Fatalf("rooms moved %s: %v, then %v", when, before, starts)
		}
		time.Sleep(100 * time.Millisecond) // polling interval, not a wait for an outcome
	}
}

// recorded is endless, recording its runs in pulls.
type recorded struct {
	ps  *pulls
	url string
}

func (r recorded) Describe() string { return r.url }
func (r recorded) Run(ctx context.Context, emit ingest.Emit) error {
	defer r.ps.Begin(r.url)()
	return endless{r.url}.Run(ctx, emit)
}

func startRecorded(t testing.TB, srv *natsembed.Server, name string, ps *pulls, mod func(*Options)) *worker {
	t.Helper()
	nc, err := srv.Connect(nats.MaxReconnects(0))
	if err != nil {
		t.Fatal(err)
	}
	js, _ := jetstream.New(nc)
	opts := Options{Holder: name, Logger: testutil.Quiet(), cpu: calmMeter}
	if mod != nil {
		mod(&opts)
	}
	pl, err := Start(context.Background(), js, opts)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := rooms.Open(context.Background(), pipeline.Config{Recognizer: testdouble.Silent{},
		Matcher: pipeline.Static(nil), Sink: &testdouble.Sink{}, Logger: testutil.Quiet()},
		rooms.Options{Owner: pl, Schemes: []string{"http"}, Logger: testutil.Quiet(), OpenSource: ps.open(name)})
	if err != nil {
		t.Fatal(err)
	}
	w := &worker{nc: nc, pl: pl, reg: reg}
	t.Cleanup(func() { w.reg.Close(); w.pl.Close(context.Background()) })
	return w
}

func roomIDs(n int) []string {
	var ids []string
	for i := range n {
		ids = append(ids, fmt.Sprintf("room%02d", i))
	}
	return ids
}

// TestRebalanceWhenAWorkerJoins: 20 pulled rooms live on one worker; a
// second joins. The first hands rooms over until the two are within two
// of each other; a room is never pulled by both at once for longer than
// one lease period (in fact the giver stops before it frees the claim),
// each room moves at most once, and once even nothing moves any more.
func TestRebalanceWhenAWorkerJoins(t *testing.T) {
	srv := natstest.Start(t, "")
	ps := &pulls{}
	ids := roomIDs(20)
	a := startRecorded(t, srv, "a", ps, nil)
	a.add(t, ids)
	testutil.WaitFor(t, 20*time.Second, "every room live on a", func() bool { return len(a.live()) == len(ids) })

	joined := time.Now()
	b := startRecorded(t, srv, "b", ps, nil)
	b.add(t, ids)
	var la, lb map[string]bool
	testutil.WaitFor(t, 30*time.Second, "the rooms spread within two of even, each on one worker", func() bool {
		la, lb = a.live(), b.live()
		for _, id := range ids {
			if la[id] == lb[id] {
				return false
			}
		}
		return abs(len(la)-len(lb)) <= 2
	})
	spread := time.Since(joined)
	t.Logf("rooms spread a %d / b %d %v after b joined", len(la), len(lb), spread.Round(10*time.Millisecond))

	// Nothing moves once even: watched for three lease periods.
	ps.stayPut(t, "after the spread")
	starts, overlap, _ := ps.Report(time.Time{})
	for _, id := range ids {
		if n := starts["http://media.test/"+id]; n > 2 {
			t.Errorf("%s pulled %d times: it moved more than once", id, n)
		}
	}
	if overlap > 3*time.Second {
		t.Errorf("a room was pulled by two workers for %v, longer than one lease period", overlap)
	}
	t.Logf("longest overlap of two pulls of one room: %v", overlap)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestHandoverNobodyTakes: a live worker that takes no rooms (its
// registry does not know them) makes the loaded worker hand some over;
// nobody takes them, so they are taken back within the grace and
// handovers pause: no room stays unpulled.
func TestHandoverNobodyTakes(t *testing.T) {
	srv := natstest.Start(t, "")
	ps := &pulls{}
	ids := roomIDs(8)
	a := startRecorded(t, srv, "a", ps, nil)
	a.add(t, ids)
	testutil.WaitFor(t, 20*time.Second, "every room live on a", func() bool { return len(a.live()) == len(ids) })
	startRecorded(t, srv, "b", ps, nil) // alive, knows no room
	testutil.WaitFor(t, 20*time.Second, "a room handed over", func() bool {
		starts, _, _ := ps.Report(time.Time{})
		for _, n := range starts {
			if n > 1 {
				return true
			}
		}
		return len(a.live()) < len(ids)
	})
	testutil.WaitFor(t, 20*time.Second, "every room live on a again", func() bool { return len(a.live()) == len(ids) })
	a.pl.mu.Lock()
	paused := time.Now().Before(a.pl.pausedUntil)
	a.pl.mu.Unlock()
	if !paused {
		t.Error("handovers not paused after nobody took a room")
	}
}

// TestWHIPClaim: a WHIP session's claim is exclusive like a pulled one,
// names its holder's address to the others, is never pulled nor handed
// over, and is free for another worker once given up.
func TestWHIPClaim(t *testing.T) {
	srv := natstest.Start(t, "")
	ps := &pulls{}
	a := startRecorded(t, srv, "a", ps, func(o *Options) { o.Addr = "127.0.0.1:1111" })
	b := startRecorded(t, srv, "b", ps, func(o *Options) { o.Addr = "127.0.0.1:2222" })
	ctx := testutil.Context(t, 30*time.Second)
	ids := roomIDs(6)
	for _, id := range ids {
		if h, _, err := a.pl.Claim(ctx, id); h != "a" || err != nil {
			t.Fatalf("a's claim of %s: %q %v", id, h, err)
		}
	}
	if h, addr, err := b.pl.Claim(ctx, ids[0]); h != "a" || addr != "127.0.0.1:1111" || err != nil {
		t.Fatalf("b's claim of a's room: %q %q %v, want a at 127.0.0.1:1111", h, addr, err)
	}
	if a.pl.Acquire(ctx, ids[0]) {
		t.Error("a WHIP session's claim let the room be pulled")
	}
	if !a.pl.Holds(ids[0]) || !a.pl.Pushed(ids[0]) {
		t.Error("a does not hold its WHIP claim")
	}
	// Six rooms here, none on b: a live publisher is never handed over.
	for range 3 * 3 { // three lease periods of ticks
		a.pl.rebalance()
		a.pl.mu.Lock()
		n := len(a.pl.handing)
		a.pl.mu.Unlock()
		if n > 0 {
			t.Fatal("a WHIP session's room was handed over")
		}
	}
	a.pl.Unclaim(ids[0])
	testutil.WaitFor(t, 5*time.Second, "b takes the released claim", func() bool {
		h, _, err := b.pl.Claim(ctx, ids[0])
		return h == "b" && err == nil
	})
}

// TestBusyWorkerTakesNoFreeRoom: a worker whose CPU is above busyCPU takes
// no free room while another is not busy, and its room count does not
// hold the other back: the other takes every room.
func TestBusyWorkerTakesNoFreeRoom(t *testing.T) {
	srv := natstest.Start(t, "")
	ps := &pulls{}
	ids := roomIDs(6)
	a := startRecorded(t, srv, "a", ps, func(o *Options) { o.cpu = func() float64 { return 0.95 } })
	b := startRecorded(t, srv, "b", ps, func(o *Options) { o.cpu = func() float64 { return 0.1 } })
	testutil.WaitFor(t, 10*time.Second, "each worker seeing the other's CPU", func() bool {
		return a.pl.othersNow()["b"].CPU > 0 && b.pl.othersNow()["a"].CPU > 0.9
	})
	a.add(t, ids)
	b.add(t, ids)
	testutil.WaitFor(t, 20*time.Second, "every room live on b", func() bool { return len(b.live()) == len(ids) })
	if n := len(a.live()); n != 0 {
		t.Errorf("the busy worker pulls %d rooms", n)
	}
}

// TestBusyWorkerShedsRooms: two workers split 20 rooms by count; one
// turns busy (CPU 0.95). It hands rooms over, one every few ticks, to the
// calm one; once it is no longer busy (0.8: between calm and busy) nothing
// moves either way, although the counts now differ by more than the gap
// that moves rooms between calm workers.
func TestBusyWorkerShedsRooms(t *testing.T) {
	srv := natstest.Start(t, "")
	ps := &pulls{}
	ids := roomIDs(20)
	var cpuA atomic.Value
	cpuA.Store(0.1)
	a := startRecorded(t, srv, "a", ps, func(o *Options) { o.cpu = func() float64 { return cpuA.Load().(float64) } })
	b := startRecorded(t, srv, "b", ps, nil)
	a.add(t, ids)
	b.add(t, ids)
	split := func() (int, int, bool) {
		la, lb := a.live(), b.live()
		for _, id := range ids {
			if la[id] == lb[id] {
				return len(la), len(lb), false
			}
		}
		return len(la), len(lb), true
	}
	testutil.WaitFor(t, 20*time.Second, "the rooms split within two of even", func() bool {
		na, nb, ok := split()
		return ok && abs(na-nb) <= 2
	})
	na0, _, _ := split()

	cpuA.Store(0.95)
	shed := time.Now()
	testutil.WaitFor(t, 30*time.Second, "the busy worker handing three rooms over", func() bool {
		na, _, ok := split()
		return ok && na <= na0-3
	})
	cpuA.Store(0.8)
	t.Logf("three rooms handed over %v after the worker turned busy", time.Since(shed).Round(100*time.Millisecond))
	testutil.WaitFor(t, 10*time.Second, "every room on one worker", func() bool { _, _, ok := split(); return ok })

	na, nb, _ := split()
	ps.stayPut(t, fmt.Sprintf("while a is between calm and busy (a %d, b %d)", na, nb))
	if _, overlap, _ := ps.Report(time.Time{}); overlap > 3*time.Second {
		t.Errorf("a room was pulled by two workers for %v, longer than one lease period", overlap)
	}
}
