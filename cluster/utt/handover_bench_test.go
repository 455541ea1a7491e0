package utt

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter/natsembed"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/cluster/lease"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// benchScanner is one scan node as internal/app runs it: its own
// connection, a lease table in the service's bucket with the default 3 s
// TTL, and the balancer ticking every second.
func benchScanner(b *testing.B, srv *natsembed.Server, name string, partitions int) (s *Scan, kill func()) {
	b.Helper()
	nc, err := srv.Connect(nats.MaxReconnects(0))
	if err != nil {
		b.Fatal(err)
	}
	ctx := testutil.Context(b, 30*time.Second)
	js, _ := jetstream.New(nc)
	sc, _ := pipeline.NewScanner(pipeline.ScanConfig{Matcher: testMatcher, Sink: sinkOn(b, nc), Logger: testutil.Quiet()})
	if s, err = NewScan(nc, ScanOptions{Scanner: sc, Partitions: partitions, Logger: testutil.Quiet()}); err != nil {
		b.Fatal(err)
	}
	tab, err := lease.Open(ctx, js, lease.Options{Bucket: "EARSHOT_SCAN_LEASES", Holder: name, OnLost: s.OnLeaseLost, Logger: testutil.Quiet()})
	if err != nil {
		b.Fatal(err)
	}
	bctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Balance(bctx, tab, name, time.Second) }()
	var killed bool
	kill = func() { // no release, no drain: the process is gone
		if !killed {
			killed = true
			stop()
			<-done
			nc.Close()
		}
	}
	b.Cleanup(func() { kill(); s.Close(); tab.Close(context.Background()) })
	return s, kill
}

// BenchmarkScannerHandover measures the failover of the scan role with the
// service's settings (claim TTL 3 s, balancer tick 1 s, 8 partitions): two
// scanners share the partitions, one dies without releasing anything, and
// the survivor must take them over. Per op (a fresh server each):
// handover-s is the kill to the survivor consuming every partition;
// rescanned-s is the kill to the last of 16 violations, posted in 16 rooms
// right at the kill, answered with its alert (so some land in the dead
// scanner's partitions and wait for the handover).
func BenchmarkScannerHandover(b *testing.B) {
	const partitions = 8
	var handover, rescanned time.Duration
	for range b.N {
		b.StopTimer()
		srv := natstest.Start(b, "")
		nc := natstest.Service(b, srv)
		js, _ := jetstream.New(nc)
		ctx := testutil.Context(b, time.Minute)
		if err := EnsureStreams(ctx, js, StreamOptions{Partitions: partitions}); err != nil {
			b.Fatal(err)
		}
		bus, err := NewBus(nc, BusOptions{Logger: testutil.Quiet(), ScanTimeout: 30 * time.Second})
		if err != nil {
			b.Fatal(err)
		}
		sa, killA := benchScanner(b, srv, "a", partitions)
		testutil.WaitFor(b, 30*time.Second, "a owns every partition", func() bool { return len(sa.Owned()) == partitions })
		sb, _ := benchScanner(b, srv, "b", partitions)
		testutil.WaitFor(b, 30*time.Second, "a and b share the partitions", func() bool { return len(sb.Owned()) == partitions/2 && len(sa.Owned()) == partitions/2 })
		b.StartTimer()
		killed := time.Now()
		killA()
		errs := make(chan error, 16)
		for r := range 16 {
			go func() {
				f, _ := bus.Open(pipeline.Room{ID: fmt.Sprintf("room%02d", r)}, "s1", pipeline.FeedOptions{})
				got, err := f.Scan(ctx, []transcript.Hypothesis{{Utterance: 1, Final: true, Text: "it cure"}})
				if err == nil && len(got) != 1 {
					err = fmt.Errorf("room%02d: %d alerts, want 1", r, len(got))
				}
				errs <- err
			}()
		}
		testutil.WaitFor(b, 30*time.Second, "b owns every partition", func() bool { return len(sb.Owned()) == partitions })
		handover += time.Since(killed)
		for range 16 {
			if err := <-errs; err != nil {
				b.Fatal(err)
			}
		}
		rescanned += time.Since(killed)
		b.StopTimer()
		_ = bus.Close()
	}
	b.ReportMetric(handover.Seconds()/float64(b.N), "handover-s")
	b.ReportMetric(rescanned.Seconds()/float64(b.N), "rescanned-s")
}

// sinkOn is an alert sink on nc.
func sinkOn(b *testing.B, nc *nats.Conn) *natsink.Sink {
	b.Helper()
	s, err := natsink.New(testutil.Context(b, 30*time.Second), nc, natsink.Options{Logger: testutil.Quiet()})
	if err != nil {
		b.Fatal(err)
	}
	return s
}
