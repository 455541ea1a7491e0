package utt

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsembed"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/cluster/lease"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// scanner is one scan node: its own connection, sink (sharing the
// cooldown in KV), lease table and balancer.
type scanner struct {
	nc     *nats.Conn
	scan   *Scan
	leases *lease.Table
	stop   context.CancelFunc
}

func startScanner(t *testing.T, srv *natsembed.Server, name string, partitions int) *scanner {
	t.Helper()
	return startScannerWith(t, srv, name, partitions, nil)
}

// startScannerWith is startScanner with the sink's options adjusted by
// tune (given the scanner's connection).
func startScannerWith(t *testing.T, srv *natsembed.Server, name string, partitions int, tune func(*nats.Conn, *natsink.Options)) *scanner {
	t.Helper()
	nc, err := srv.Connect(nats.MaxReconnects(0))
	if err != nil {
		t.Fatal(err)
	}
	ctx := testutil.Context(t, 30*time.Second)
	js, _ := jetstream.New(nc)
	shared, err := natsink.KVCooldown(ctx, js, time.Minute, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	so := natsink.Options{Logger: testutil.Quiet(), SharedCooldown: shared}
	if tune != nil {
		tune(nc, &so)
	}
	sink, err := natsink.New(ctx, nc, so)
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := pipeline.NewScanner(pipeline.ScanConfig{Matcher: testMatcher, Sink: sink, Logger: testutil.Quiet()})
	s, err := NewScan(nc, ScanOptions{Scanner: sc, Partitions: partitions, Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	tab, err := lease.Open(ctx, js, lease.Options{Bucket: "TEST_SCAN_LEASES", Holder: name, OnLost: s.OnLeaseLost, Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	bctx, stop := context.WithCancel(context.Background())
	go s.Balance(bctx, tab, name, 100*time.Millisecond)
	return &scanner{nc: nc, scan: s, leases: tab, stop: stop}
}

// TestScannerHandover: a scanner dies without releasing anything; the
// other takes its partitions within 5 s, and the room's reminder cooldown
// holds across the handover (the second hit is stored, not reminded).
func TestScannerHandover(t *testing.T) {
	const partitions = 4
	srv := natstest.Start(t, "")
	nc := natstest.Service(t, srv)
	js, _ := jetstream.New(nc)
	ctx := testutil.Context(t, 30*time.Second)
	if err := EnsureStreams(ctx, js, StreamOptions{Partitions: partitions}); err != nil {
		t.Fatal(err)
	}
	bus, err := NewBus(nc, BusOptions{Logger: testutil.Quiet(), ScanTimeout: 15 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	reminders, err := nc.SubscribeSync(alerter.ReminderSubject("r1"))
	if err != nil {
		t.Fatal(err)
	}

	a := startScanner(t, srv, "a", partitions)
	testutil.WaitFor(t, 10*time.Second, "scanner a owns every partition", func() bool { return len(a.scan.Owned()) == partitions })
	feed, _ := bus.Open(pipeline.Room{ID: "r1"}, "s1", pipeline.FeedOptions{})
	if got, err := feed.Scan(ctx, []transcript.Hypothesis{{Utterance: 1, Final: true, Text: "it cure"}}); err != nil || len(got) != 1 {
		t.Fatalf("scan before the handover: %v, %v", got, err)
	}
	if _, err := reminders.NextMsg(5 * time.Second); err != nil {
		t.Fatalf("first reminder: %v", err)
	}

	b := startScanner(t, srv, "b", partitions)
	defer func() { b.stop(); b.scan.Close(); b.leases.Close(context.Background()) }()
	testutil.WaitFor(t, 10*time.Second, "b takes its share", func() bool { return len(b.scan.Owned()) == partitions/2 })

	killed := time.Now()
	a.stop()
	a.nc.Close() // kill: no release, no drain
	testutil.WaitFor(t, 10*time.Second, "b owns every partition", func() bool { return len(b.scan.Owned()) == partitions })
	handover := time.Since(killed)
	t.Logf("handover after a scanner died: %v", handover)
	if handover > 5*time.Second {
		t.Errorf("handover took %v, want under 5 s", handover)
	}

	got, err := feed.Scan(ctx, []transcript.Hypothesis{{Utterance: 2, Final: true, Text: "cure again"}})
	if err != nil || len(got) != 1 {
		t.Fatalf("scan after the handover: %v, %v", got, err)
	}
	if m, err := reminders.NextMsg(500 * time.Millisecond); err == nil {
		t.Fatalf("a second reminder inside the cooldown after the handover: %s", m.Data)
	}
	stored, _ := natsinkLog(t, nc).Alerts(ctx, natsinkQuery())
	if len(stored) != 2 {
		t.Fatalf("alert stream holds %d alerts, want 2", len(stored))
	}
}

func natsinkLog(t *testing.T, nc *nats.Conn) *natsink.Sink {
	t.Helper()
	s, err := natsink.New(testutil.Context(t, 30*time.Second), nc, natsink.Options{Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
