package placement

import (
	"context"
	"fmt"
	"maps"
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

// endless is a stand-in for a live pulled stream (what the source is does
// not matter to placement): 20 ms of silence every 20 ms until cancelled.
type endless struct{ url string }

func (e endless) Describe() string { return "endless:" + e.url }
func (e endless) Run(ctx context.Context, emit ingest.Emit) error {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	var off time.Duration
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			if err := emit(ingest.Chunk{Offset: off, PCM: make([]int16, 320)}); err != nil {
				return err
			}
			off += 20 * time.Millisecond
		}
	}
}

// calmMeter is the CPU meter of the tests' workers: all of them run in
// this one process, so the real meter would give each the same share, and
// the machine's load would decide which rooms move (the e2e tests run real
// meters in processes of their own).
func calmMeter() float64 { return 0.1 }

// worker is one ingest worker: its connection, placement and registry.
type worker struct {
	nc  *nats.Conn
	pl  *Placement
	reg *rooms.Registry
}

func startWorker(t testing.TB, srv *natsembed.Server, name string) *worker {
	t.Helper()
	nc, err := srv.Connect(nats.MaxReconnects(0))
	if err != nil {
		t.Fatal(err)
	}
	js, _ := jetstream.New(nc)
	pl, err := Start(context.Background(), js, Options{Holder: name, Logger: testutil.Quiet(), cpu: calmMeter})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := rooms.Open(context.Background(), pipeline.Config{Recognizer: testdouble.Silent{},
		Matcher: pipeline.Static(nil), Sink: &testdouble.Sink{}, Logger: testutil.Quiet()},
		rooms.Options{Owner: pl, Schemes: []string{"http"}, Logger: testutil.Quiet(),
			OpenSource: func(u, _ string) (ingest.Source, error) { return endless{u}, nil }})
	if err != nil {
		t.Fatal(err)
	}
	return &worker{nc: nc, pl: pl, reg: reg}
}

func (w *worker) add(t testing.TB, ids []string) {
	t.Helper()
	for _, id := range ids {
		if _, err := w.reg.Add(rooms.Spec{ID: id, Source: "http://media.test/" + id}); err != nil {
			t.Fatal(err)
		}
	}
}

func (w *worker) live() map[string]bool {
	out := map[string]bool{}
	for _, s := range w.reg.Rooms() {
		if s.State == rooms.StateLive || s.State == rooms.StateConnecting {
			out[s.Room.ID] = true
		}
	}
	return out
}

// TestRoomsMoveWhenAWorkerDies: two workers registered with the same 20
// pulled rooms pull each room once, split by load (the intake cap and
// the others' loads keep the first worker from taking all); when one dies
// without releasing anything, every room is live on the other within 5 s.
func TestRoomsMoveWhenAWorkerDies(t *testing.T) {
	srv := natstest.Start(t, "")
	var ids []string
	for i := range 20 {
		ids = append(ids, fmt.Sprintf("room%02d", i))
	}
	a := startWorker(t, srv, "a") // a cluster (re)starting: both workers up,
	b := startWorker(t, srv, "b") // then every worker is given the rooms
	a.add(t, ids)
	b.add(t, ids)
	defer func() { b.reg.Close(); b.pl.Close(context.Background()) }()

	testutil.WaitFor(t, 15*time.Second, "every room live on exactly one worker", func() bool {
		la, lb := a.live(), b.live()
		for _, id := range ids {
			if la[id] == lb[id] {
				return false
			}
		}
		return true
	})
	la, lb := len(a.live()), len(b.live())
	t.Logf("rooms per worker: a %d, b %d (a sees %+v, b sees %+v)", la, lb, a.pl.othersNow(), b.pl.othersNow())
	if la < 7 || lb < 7 {
		t.Errorf("placement is not load-aware: a %d rooms, b %d", la, lb)
	}

	killed := time.Now()
	a.pl.stop()  // the dead worker renews nothing more
	a.nc.Close() // and its connection is gone
	testutil.WaitFor(t, 10*time.Second, "every room live on b", func() bool { return len(b.live()) == len(ids) })
	moved := time.Since(killed)
	t.Logf("rooms live again on the other worker %v after the kill", moved)
	if moved > 5*time.Second {
		t.Errorf("rooms moved in %v, want under 5 s", moved)
	}
	testutil.WaitFor(t, 5*time.Second, "the dead worker's sessions stopped (self-fenced)", func() bool { return len(a.live()) == 0 })
	a.reg.Close()
}

// othersNow is a copy of the other workers' loads as p last read them.
func (p *Placement) othersNow() map[string]Load {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.others)
}
