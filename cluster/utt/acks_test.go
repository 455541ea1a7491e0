package utt

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// gateSink refuses every alert (as a full disk does) while closed.
type gateSink struct {
	alerter.Sink
	closed atomic.Bool
}

func (g *gateSink) Send(ctx context.Context, a alerter.Alert) error {
	if g.closed.Load() {
		return fmt.Errorf("test: %w: the gate is closed", alerter.ErrUnavailable)
	}
	return g.Sink.Send(ctx, a)
}

func consumerInfo(t *testing.T, js jetstream.JetStream, p int) *jetstream.ConsumerInfo {
	t.Helper()
	c, err := js.Consumer(testutil.Context(t, 5*time.Second), Stream, ConsumerName(p))
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.Info(testutil.Context(t, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// TestFailedScanHoldsAcks: with batched AckAll acks, a hypothesis whose
// alert the store refused is not covered by the acks of the ones after
// it: the consumer's ack floor stays below it while the store refuses,
// the partition goes on scanning, and once the store takes alerts again
// the redelivered hypothesis alerts and everything is acknowledged.
func TestFailedScanHoldsAcks(t *testing.T) {
	e := newEnv(t, 1)
	e.scan.Release(0)
	ctx := testutil.Context(t, 30*time.Second)
	gate := &gateSink{Sink: e.sink}
	gate.closed.Store(true)
	sc, _ := pipeline.NewScanner(pipeline.ScanConfig{Matcher: testMatcher, Sink: gate, Logger: testutil.Quiet()})
	s, err := NewScan(e.nc, ScanOptions{Scanner: sc, Partitions: 1, Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if err := s.Own(ctx, 0); err != nil {
		t.Fatal(err)
	}
	f, _ := e.bus.Open(pipeline.Room{ID: "r1"}, "s1", pipeline.FeedOptions{})
	if err := f.Send(ctx, transcript.Hypothesis{Utterance: 1, Final: true, Text: "it cure"}); err != nil {
		t.Fatal(err)
	}
	for u := 2; u <= 21; u++ {
		if err := f.Send(ctx, transcript.Hypothesis{Utterance: uint64(u), Final: true, Text: "nothing here"}); err != nil {
			t.Fatal(err)
		}
	}
	testutil.WaitFor(t, 10*time.Second, "the 20 hypotheses after the refused one scanned", func() bool {
		return s.Stats.Retried.Load() >= 1 && s.Stats.Scanned.Load() >= 21
	})
	time.Sleep(3 * ackDelay) // a batched ack, were one due, is sent by now
	if info := consumerInfo(t, e.js, 0); info.AckFloor.Stream != 0 {
		t.Fatalf("ack floor %d while the first hypothesis waits to be scanned again", info.AckFloor.Stream)
	}
	gate.closed.Store(false)
	testutil.WaitFor(t, 15*time.Second, "the refused hypothesis alerted and every hypothesis acknowledged", func() bool {
		info := consumerInfo(t, e.js, 0)
		as, _ := e.sink.Alerts(ctx, natsinkQuery())
		return len(as) == 1 && info.NumAckPending == 0 && info.NumPending == 0 && info.AckFloor.Stream == 21
	})
}

// TestKilledScannerLosesNothing: a scanner that dies with handled
// messages whose batched ack was never sent leaves them to the next
// owner, which scans them again: every violation is stored exactly once.
func TestKilledScannerLosesNothing(t *testing.T) {
	srv := natstest.Start(t, "")
	nc := natstest.Service(t, srv)
	js, _ := jetstream.New(nc)
	ctx := testutil.Context(t, 60*time.Second)
	if err := EnsureStreams(ctx, js, StreamOptions{Partitions: 1}); err != nil {
		t.Fatal(err)
	}
	bus, err := NewBus(nc, BusOptions{Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	const n = 300
	f, _ := bus.Open(pipeline.Room{ID: "r1"}, "s1", pipeline.FeedOptions{})
	for u := 1; u <= n; u++ {
		if err := f.Send(ctx, transcript.Hypothesis{Utterance: uint64(u), Final: true, Text: "it cure"}); err != nil {
			t.Fatal(err)
		}
	}
	a := startScanner(t, srv, "a", 1)
	testutil.WaitFor(t, 20*time.Second, "scanner a in the middle of the backlog", func() bool { return a.scan.Stats.Scanned.Load() >= n/3 })
	a.stop()
	a.nc.Close() // killed: its acker's pending ack is never sent
	scannedByA := a.scan.Stats.Scanned.Load()
	acked := consumerInfo(t, js, 0).AckFloor.Stream
	t.Logf("scanner a scanned %d, acked up to %d when it died", scannedByA, acked)
	b := startScanner(t, srv, "b", 1)
	defer func() { b.stop(); b.scan.Close(); b.leases.Close(context.Background()) }()
	testutil.WaitFor(t, 40*time.Second, "scanner b to scan and acknowledge what a had not", func() bool {
		return b.scan.Stats.Scanned.Load() >= uint64(n)-acked && consumerInfo(t, js, 0).AckFloor.Stream == n
	})
	as, _ := natsinkLog(t, nc).Alerts(ctx, natsinkQuery())
	seen := map[uint64]int{}
	for _, x := range as {
		seen[x.Utterance]++
	}
	for u := uint64(1); u <= n; u++ {
		if seen[u] != 1 {
			t.Errorf("utterance %d stored %d times", u, seen[u])
		}
	}
}

// TestScanConsumerMigratesToAckAll: a partition consumer left by an
// earlier version (per-message acks, which the server cannot change in
// place) is made again with AckAll from its ack floor: the hypotheses it
// had acked are not scanned again, the others are; owning it again later
// keeps it.
func TestScanConsumerMigratesToAckAll(t *testing.T) {
	e := newEnv(t, 1)
	e.scan.Release(0)
	ctx := testutil.Context(t, 30*time.Second)
	if err := e.js.DeleteConsumer(ctx, Stream, ConsumerName(0)); err != nil {
		t.Fatal(err)
	}
	old, err := e.js.CreateConsumer(ctx, Stream, jetstream.ConsumerConfig{
		Durable: ConsumerName(0), FilterSubject: PartitionFilter(0),
		AckPolicy: jetstream.AckExplicitPolicy, AckWait: 5 * time.Second, MaxDeliver: 10,
		MaxAckPending: 2048, DeliverPolicy: jetstream.DeliverAllPolicy,
	})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := e.bus.Open(pipeline.Room{ID: "r1"}, "s1", pipeline.FeedOptions{})
	for u := 1; u <= 10; u++ {
		if err := f.Send(ctx, transcript.Hypothesis{Utterance: uint64(u), Final: true, Text: "it cure"}); err != nil {
			t.Fatal(err)
		}
	}
	testutil.WaitFor(t, 10*time.Second, "the 10 hypotheses stored", func() bool {
		info, err := old.Info(ctx)
		return err == nil && info.NumPending == 10
	})
	batch, err := old.Fetch(4, jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for m := range batch.Messages() {
		if err := m.DoubleAck(ctx); err != nil {
			t.Fatal(err)
		}
	}
	s := e.newScan(t, 1)
	for range 2 { // made again, then kept
		if err := s.Own(ctx, 0); err != nil {
			t.Fatal(err)
		}
		if info := consumerInfo(t, e.js, 0); info.Config.AckPolicy != jetstream.AckAllPolicy {
			t.Fatalf("ack policy %v after Own", info.Config.AckPolicy)
		}
		testutil.WaitFor(t, 10*time.Second, "the 6 unacknowledged hypotheses scanned", func() bool { return s.Stats.Scanned.Load() == 6 })
		s.Release(0)
	}
	if info := consumerInfo(t, e.js, 0); info.AckFloor.Stream != 10 || info.NumAckPending != 0 {
		t.Errorf("ack floor %d with %d pending, want 10 and 0", info.AckFloor.Stream, info.NumAckPending)
	}
}

// fakeMsg is a jetstream.Msg that records its acks (the acker's unit test
// needs no server: it only reads metadata and acks).
type fakeMsg struct {
	jetstream.Msg
	seq   uint64
	acked *[]uint64
}

func (m fakeMsg) Ack() error { *m.acked = append(*m.acked, m.seq); return nil }

func (m fakeMsg) NakWithDelay(time.Duration) error { return nil }

func (m fakeMsg) Subject() string { return "earshot.uttp.0.r1" }

// TestAckerBatches: one ack per ackEvery handled messages (the latest),
// the rest after ackDelay; a redelivery below the last ack adds none, and
// the messages after it are acked together again.
func TestAckerBatches(t *testing.T) {
	var acked []uint64
	a := newAcker(testutil.Quiet())
	defer a.close()
	handle := func(seq uint64) {
		a.done(fakeMsg{seq: seq, acked: &acked}, &jetstream.MsgMetadata{Sequence: jetstream.SequencePair{Stream: seq}, NumDelivered: 1})
	}
	for seq := uint64(1); seq <= ackEvery+10; seq++ {
		handle(seq)
	}
	a.mu.Lock()
	got := append([]uint64(nil), acked...)
	a.mu.Unlock()
	if len(got) != 1 || got[0] != ackEvery {
		t.Fatalf("acks %v after %d messages, want one of %d", got, ackEvery+10, ackEvery)
	}
	testutil.WaitFor(t, 5*time.Second, "the rest acked after the delay", func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		return len(acked) == 2 && acked[1] == ackEvery+10
	})
	handle(5) // a redelivery of something acked long ago
	for seq := uint64(ackEvery + 11); seq <= ackEvery+20; seq++ {
		handle(seq)
	}
	a.mu.Lock()
	n := len(acked)
	a.mu.Unlock()
	if n != 2 {
		t.Fatalf("acks %v: want no new ack before the delay", acked)
	}
	testutil.WaitFor(t, 5*time.Second, "the last ten acked together", func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		return len(acked) == 3 && acked[2] == ackEvery+20
	})
}
