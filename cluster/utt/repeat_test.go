package utt

import (
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// TestRepeatedPartialScannedOnce: partials carry their id in Earshot-Id,
// not Nats-Msg-Id, so a partial published again (as a retry after a lost
// ack or the spool after an outage does) is stored twice; the scan role
// skips the second copy by its id. Here the copy arrives after a later
// utterance and after the alert stream's duplicate window (1 s) has
// passed: scanned again, it would pin its old utterance anew and store a
// second alert for it, which nothing downstream would drop.
func TestRepeatedPartialScannedOnce(t *testing.T) {
	e := newEnv(t, 1)
	ctx := testutil.Context(t, 30*time.Second)
	// The alert sink of this test keeps its duplicate window short.
	sink, err := natsink.New(ctx, e.nc, natsink.Options{Logger: testutil.Quiet(), Duplicates: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	e.scan.Release(0) // the scan role of this test is the one below
	sc, _ := pipeline.NewScanner(pipeline.ScanConfig{Matcher: testMatcher, Sink: sink, Logger: testutil.Quiet()})
	scan, err := NewScan(e.nc, ScanOptions{Scanner: sc, Partitions: 1, Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(scan.Close)
	if err := scan.OwnAll(ctx); err != nil {
		t.Fatal(err)
	}
	reminders := make(chan *nats.Msg, 8)
	sub, err := e.nc.ChanSubscribe(alerter.ReminderSubject("r1"), reminders)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()

	f, _ := e.bus.Open(pipeline.Room{ID: "r1"}, "s1", pipeline.FeedOptions{})
	for _, h := range []transcript.Hypothesis{{Utterance: 1, Text: "it cure"}, {Utterance: 2, Text: "hello"}} {
		if err := f.Send(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	testutil.WaitFor(t, 10*time.Second, "two partials scanned", func() bool { return scan.Stats.Scanned.Load() == 2 })
	stored := time.Now()
	testutil.WaitFor(t, 10*time.Second, "the alert stream's window to pass", func() bool { return time.Since(stored) > 1500*time.Millisecond })

	s, _ := e.js.Stream(ctx, Stream)
	first, err := s.GetMsg(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if id, ref := first.Header.Get(nats.MsgIdHdr), first.Header.Get(HeaderID); id != "" || ref != "r1:s1:1" {
		t.Fatalf("a partial stored with Nats-Msg-Id %q and %s %q, want none and r1:s1:1", id, HeaderID, ref)
	}
	again := nats.NewMsg(Subject("r1"))
	again.Header, again.Data = first.Header, first.Data
	if _, err := e.js.PublishMsg(ctx, again); err != nil {
		t.Fatal(err)
	}
	if err := f.Send(ctx, transcript.Hypothesis{Utterance: 2, Final: true, Text: "hello"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(ctx); err != nil { // the flush is answered after all of it was scanned
		t.Fatal(err)
	}
	if info, _ := s.Info(ctx); info.State.Msgs != 5 {
		t.Fatalf("stream holds %d messages, want 5 (two partials, the copy, a final, the flush)", info.State.Msgs)
	}
	final, err := s.GetMsg(ctx, 4)
	if err != nil {
		t.Fatal(err)
	}
	if id := final.Header.Get(nats.MsgIdHdr); id != "r1:s1:3" {
		t.Fatalf("the final stored with Nats-Msg-Id %q, want r1:s1:3", id)
	}
	if n := scan.Stats.Repeated.Load(); n != 1 {
		t.Errorf("%d partials skipped as repeated, want 1", n)
	}
	if n := scan.Stats.Scanned.Load(); n != 3 {
		t.Errorf("%d hypotheses scanned, want 3", n)
	}
	as, err := sink.Alerts(ctx, natsinkQuery())
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 1 {
		t.Fatalf("%d alerts stored, want 1: %+v", len(as), as)
	}
	if len(reminders) != 1 {
		t.Fatalf("%d reminders, want 1", len(reminders))
	}
}

// TestAdvance: which messages of a session the scan role scans, by id.
func TestAdvance(t *testing.T) {
	s := &Scan{seen: map[[2]string]sessionMark{}}
	first, again := &jetstream.MsgMetadata{NumDelivered: 1}, &jetstream.MsgMetadata{NumDelivered: 2}
	for _, c := range []struct {
		name               string
		md                 *jetstream.MsgMetadata
		room, session, ref string
		final, want        bool
	}{
		{"a partial", first, "r1", "s1", "r1:s1:1", false, true},
		{"its copy", first, "r1", "s1", "r1:s1:1", false, false},
		{"the consumer's redelivery of it", again, "r1", "s1", "r1:s1:1", false, true},
		{"a later partial", first, "r1", "s1", "r1:s1:3", false, true},
		{"a partial it overtook", first, "r1", "s1", "r1:s1:2", false, false},
		{"a final it overtook", first, "r1", "s1", "r1:s1:2", true, true},
		{"a final repeated", first, "r1", "s1", "r1:s1:3", true, true},
		{"another session, same number", first, "r1", "s2", "r1:s2:1", false, true},
		{"another room's id", first, "r1", "s1", "r2:s1:1", false, true},
		{"a session named as a prefix", first, "r1", "s", "r1:s1:1", false, true},
		{"a platform's own id", first, "r1", "s1", "platform-7", false, true},
		{"the same again", first, "r1", "s1", "platform-7", false, true},
		{"no id", nil, "r1", "s1", "", false, true},
		{"a number out of range", first, "r1", "s1", "r1:s1:99999999999999999999", false, true},
	} {
		if got := s.advance(c.md, c.room, c.session, c.ref, c.final); got != c.want {
			t.Errorf("%s (%s, final %v): scanned %v, want %v", c.name, c.ref, c.final, got, c.want)
		}
	}
}
