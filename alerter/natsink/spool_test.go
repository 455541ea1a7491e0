package natsink

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/natscluster"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/spool"
	"github.com/earshot/earshot/internal/testutil"
)

// TestSpoolWhileNATSIsDown: a real nats-server process is stopped; the
// alerts sent meanwhile go to the local spool (Send succeeds, Ready names
// the spool), and once the server is back every one is stored exactly
// once by id, also when the same alerts are sent again after.
func TestSpoolWhileNATSIsDown(t *testing.T) {
	cl := natscluster.Start(t, 1, natstest.Authority(t))
	nc, err := cl.Connect(nats.ReconnectWait(50 * time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	sp, err := spool.Open(spool.Options{Dir: t.TempDir(), Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sp.Close() })
	ctx := testutil.Context(t, 60*time.Second)
	sink, err := New(ctx, nc, Options{Spool: sp, Logger: testutil.Quiet(), Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sink.Close() })

	var sent []alerter.Alert
	send := func(from, n int) {
		t.Helper()
		for u := from; u < from+n; u++ {
			a := hit("room1", "r1", uint64(u))
			a.Session = "s1"
			a.ID = fmt.Sprintf("alert-%d", u)
			if err := sink.Send(ctx, a); err != nil {
				t.Fatalf("send %d: %v", u, err)
			}
			sent = append(sent, a)
		}
	}
	send(1, 5)
	cl.Kill(0)
	testutil.WaitFor(t, 5*time.Second, "the connection to notice", func() bool { return !nc.IsConnected() })
	send(6, 20) // NATS is down: spooled
	if st := sp.Stats(); st.Records != 20 {
		t.Fatalf("spool holds %d, want 20", st.Records)
	}
	if err := sink.Ready(ctx); err == nil || !strings.Contains(err.Error(), "20 alerts") {
		t.Fatalf("Ready while spooling: %v", err)
	}
	cl.Restart(0)
	testutil.Eventually(t, 20*time.Second, func() error {
		if st := sp.Stats(); st.Records != 0 {
			return fmt.Errorf("%d alerts still spooled", st.Records)
		}
		return sink.Ready(ctx)
	})
	send(6, 5) // the same alerts again (a redelivered hypothesis): dropped by id
	got, err := sink.Alerts(ctx, Query{Room: "room1", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, a := range got {
		count[a.ID]++
	}
	for _, a := range sent[:25] {
		if count[a.ID] != 1 {
			t.Errorf("alert %s stored %d times, want once", a.ID, count[a.ID])
		}
	}
	if len(got) != 25 {
		t.Errorf("stored %d alerts, want 25", len(got))
	}
}

// A spooled alert whose publish may have reached the stream, older than
// the duplicate window, is looked up by id instead of trusting the window.
func TestSpooledUncertainOlderThanWindow(t *testing.T) {
	e := newEnv(t, Options{Duplicates: time.Second})
	sp, err := spool.Open(spool.Options{Dir: t.TempDir(), Logger: testutil.Quiet(), Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sp.Close() })
	ctx := testutil.Context(t, 30*time.Second)
	a := hit("room2", "r1", 7)
	a.ID = "alert-u7"
	a = alerter.Fill(a, e.clock.Now())
	if err := e.sink.Send(ctx, a); err != nil { // stored...
		t.Fatal(err)
	}
	stored := time.Now()
	e.sink.opts.Spool = sp // ...and, as if its ack was lost, spooled too
	if !e.sink.spoolFailed(a, errors.New("timeout")) {
		t.Fatal("not spooled")
	}
	e.clock.Advance(time.Minute) // far past the 1 s window
	// Wait until the server's own 1 s window has passed too: a repeat of
	// the alert's id would be stored again, so only the lookup keeps it
	// once.
	testutil.WaitFor(t, 10*time.Second, "the server's duplicate window to pass", func() bool {
		return time.Since(stored) > 2500*time.Millisecond // the server purges ids once a window: up to two windows
	})
	e.sink.pump = spool.StartPump(sp, spool.PumpOptions{Deliver: e.sink.deliverSpooled, Every: time.Hour})
	t.Cleanup(e.sink.pump.Close)
	testutil.Eventually(t, 10*time.Second, func() error {
		e.sink.pump.Kick()
		if n := sp.Stats().Records; n != 0 {
			return fmt.Errorf("%d spooled", n)
		}
		return nil
	})
	st, err := e.sink.js.Stream(ctx, alerter.AlertStream)
	if err != nil {
		t.Fatal(err)
	}
	if n := st.CachedInfo().State.Msgs; n != 1 {
		t.Fatalf("the stream holds %d messages, want the alert once", n)
	}
}
