package natsink

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsembed"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testdisk"
	"github.com/earshot/earshot/internal/testutil"
)

// TestDeletedStreamRecreated: an alert stream deleted while the Sink runs
// is reported by Ready, created again by the next Send (which stores its
// alert in it), and counted.
func TestDeletedStreamRecreated(t *testing.T) {
	e := newEnv(t, Options{CheckEvery: time.Hour}) // only Send and Ready may notice
	ctx := testutil.Context(t, 30*time.Second)
	if err := e.sink.Send(ctx, hit("R1", "r", 1)); err != nil {
		t.Fatal(err)
	}
	js, _ := jetstream.New(e.nc)
	if err := js.DeleteStream(ctx, alerter.AlertStream); err != nil {
		t.Fatal(err)
	}
	if err := e.sink.Ready(ctx); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("Ready with the stream deleted: %v", err)
	}
	a := hit("R1", "r", 2)
	a.ID = alerter.NewID(time.Now())
	if err := e.sink.Send(ctx, a); err != nil {
		t.Fatalf("Send after the stream was deleted: %v", err)
	}
	if st := e.sink.Stats(); st.Recreated != 1 {
		t.Errorf("stats %+v, want one recreation", st)
	}
	testutil.Eventually(t, 5*time.Second, func() error { return e.sink.Ready(ctx) })
	got, err := e.sink.Alerts(ctx, Query{})
	if err != nil || len(got) != 1 || got[0].ID != a.ID {
		t.Fatalf("log after recreation: %+v %v", got, err)
	}
	info, err := js.Stream(ctx, alerter.AlertStream)
	if err != nil || info.CachedInfo().Config.Duplicates != DefaultDuplicates || info.CachedInfo().Config.MaxAge != DefaultMaxAge {
		t.Errorf("recreated with another configuration: %+v %v", info.CachedInfo().Config, err)
	}
}

// TestMonitorRecreatesUnattended: with nothing sent, the monitor finds the
// stream gone and creates it again by itself.
func TestMonitorRecreatesUnattended(t *testing.T) {
	e := newEnv(t, Options{CheckEvery: 20 * time.Millisecond})
	ctx := testutil.Context(t, 30*time.Second)
	js, _ := jetstream.New(e.nc)
	if err := js.DeleteStream(ctx, alerter.AlertStream); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 5*time.Second, func() error {
		_, err := js.Stream(ctx, alerter.AlertStream)
		return err
	})
	if st := e.sink.Stats(); st.Recreated != 1 {
		t.Errorf("stats %+v, want one recreation", st)
	}
}

// TestDiskFullRefusedThenResumes fills the embedded server's disk: Send
// refuses with alerter.ErrUnavailable and the server's reason (after the
// first failure, at once), Ready says so, and once the space is back the
// server heals and alerts are stored again; every alert acknowledged,
// before or after, is in the log exactly once.
func TestDiskFullRefusedThenResumes(t *testing.T) {
	dir := testdisk.Tmpfs(t, 24<<20)
	srv := natstest.Start(t, dir, func(c *natsembed.Config) { c.CheckEvery = 50 * time.Millisecond })
	nc := natstest.InProcess(t, srv, nats.MaxReconnects(0))
	sink, err := New(testutil.Context(t, 30*time.Second), nc, Options{Logger: testutil.Quiet(), Timeout: 2 * time.Second, Health: srv.StreamWritable, Cooldown: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sink.Close() })
	ctx := testutil.Context(t, 30*time.Second)
	acked := map[string]bool{}
	send := func(n uint64) error {
		a := hit("R1", "r", n)
		a.ID = alerter.NewID(time.Now())
		sctx, cancel := context.WithTimeout(ctx, 2*time.Second) // as an HTTP request would
		defer cancel()
		err := sink.Send(sctx, a)
		if err == nil {
			acked[a.ID] = true
		}
		return err
	}
	for n := uint64(0); n < 50; n++ {
		if err := send(n); err != nil {
			t.Fatal(err)
		}
	}
	fill := testdisk.Fill(t, dir, 0)
	var refused []error
	for n := uint64(100); n < 110; n++ {
		t0 := time.Now()
		err := send(n)
		if err == nil {
			continue // a block with room left can take a few more
		}
		if !errors.Is(err, alerter.ErrUnavailable) {
			t.Fatalf("Send on a full disk: %v, want ErrUnavailable", err)
		}
		if len(refused) > 0 && time.Since(t0) > 500*time.Millisecond {
			t.Errorf("a refusal after the first took %s", time.Since(t0))
		}
		refused = append(refused, err)
	}
	if len(refused) == 0 {
		t.Fatal("no Send refused on a full disk")
	}
	if msg := refused[len(refused)-1].Error(); !strings.Contains(msg, "no space left on device") {
		t.Errorf("refusal does not name the reason: %s", msg)
	}
	if err := sink.Ready(ctx); err == nil {
		t.Error("Ready on a full disk: nil")
	}
	fill.Free(t)
	t0 := time.Now()
	n := uint64(200)
	testutil.Eventually(t, 15*time.Second, func() error {
		n++
		return send(n)
	})
	t.Logf("storing again %s after space returned", time.Since(t0))
	for n := uint64(300); n < 320; n++ {
		if err := send(n); err != nil {
			t.Fatalf("after recovery: %v", err)
		}
	}
	if err := sink.Ready(ctx); err != nil {
		t.Errorf("Ready after recovery: %v", err)
	}
	got, err := sink.Alerts(ctx, Query{Limit: MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, a := range got {
		seen[a.ID]++
	}
	for id := range acked {
		if seen[id] != 1 {
			t.Errorf("acknowledged alert %s is in the log %d times", id, seen[id])
		}
	}
	if st := sink.Stats(); st.Refused == 0 {
		t.Errorf("stats %+v: no refusal counted", st)
	}
	if l := srv.Losses(); len(l) != 0 {
		t.Errorf("restarting JetStream lost messages: %+v", l)
	}
}
