package utt

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/escalation"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// TestEscalationSurvivesHandover: two scan roles over one server; the
// scanner that raised level staff dies mid-run, the other takes the
// room's partition, keeps the count (the next reminder raises
// stop_suggested) and does not raise staff again.
func TestEscalationSurvivesHandover(t *testing.T) {
	const partitions = 2
	srv := natstest.Start(t, "")
	nc := natstest.Service(t, srv)
	js, _ := jetstream.New(nc)
	ctx := testutil.Context(t, 60*time.Second)
	if err := EnsureStreams(ctx, js, StreamOptions{Partitions: partitions}); err != nil {
		t.Fatal(err)
	}
	if _, err := natsink.EnsureEvents(ctx, js, natsink.EventOptions{}); err != nil {
		t.Fatal(err)
	}
	bus, err := NewBus(nc, BusOptions{Logger: testutil.Quiet(), ScanTimeout: 15 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	escs, err := nc.SubscribeSync(alerter.EscalationSubject("r1"))
	if err != nil {
		t.Fatal(err)
	}
	policy := escalation.Policy{Window: time.Minute, Staff: 2, StopSuggested: 3, Heeded: time.Hour}
	withTracker := func(nc *nats.Conn, o *natsink.Options) {
		tr, err := escalation.Open(ctx, nc, escalation.Options{Policy: func(alerter.Alert) escalation.Policy { return policy },
			SweepEvery: 50 * time.Millisecond, Logger: testutil.Quiet()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(tr.Close)
		o.Observer, o.Cooldown = tr, time.Nanosecond // every hit reminds
	}
	level := func(what string) string {
		t.Helper()
		m, err := escs.NextMsg(5 * time.Second)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		var e alerter.Escalation
		_ = json.Unmarshal(m.Data, &e)
		return e.Level
	}

	a := startScannerWith(t, srv, "a", partitions, withTracker)
	testutil.WaitFor(t, 10*time.Second, "a owns every partition", func() bool { return len(a.scan.Owned()) == partitions })
	feed, _ := bus.Open(pipeline.Room{ID: "r1", Anchor: "an-1"}, "s1", pipeline.FeedOptions{})
	for u := uint64(1); u <= 2; u++ {
		if got, err := feed.Scan(ctx, []transcript.Hypothesis{{Utterance: u, Final: true, Text: "it cure"}}); err != nil || len(got) != 1 {
			t.Fatalf("utterance %d: %v, %v", u, got, err)
		}
	}
	if lv := level("staff on a"); lv != alerter.LevelStaff {
		t.Fatalf("got level %q", lv)
	}

	b := startScannerWith(t, srv, "b", partitions, withTracker)
	defer func() { b.stop(); b.scan.Close(); b.leases.Close(context.Background()) }()
	testutil.WaitFor(t, 10*time.Second, "b takes its share", func() bool { return len(b.scan.Owned()) == partitions/2 })
	a.stop()
	a.nc.Close() // kill: no release, no drain
	testutil.WaitFor(t, 10*time.Second, "b owns every partition", func() bool { return len(b.scan.Owned()) == partitions })

	if got, err := feed.Scan(ctx, []transcript.Hypothesis{{Utterance: 3, Final: true, Text: "cure again"}}); err != nil || len(got) != 1 {
		t.Fatalf("utterance 3: %v, %v", got, err)
	}
	if lv := level("stop_suggested on b"); lv != alerter.LevelStopSuggested {
		t.Fatalf("got level %q after the handover, want stop_suggested", lv)
	}
	if m, err := escs.NextMsg(300 * time.Millisecond); err == nil {
		t.Fatalf("a level fired again after the handover: %s", m.Data)
	}
}
