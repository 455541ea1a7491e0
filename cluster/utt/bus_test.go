package utt

import (
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// TestScanThroughStream: Scan returns the alerts of posted text, once per
// rule and utterance; Send hands alerts to OnAlerts with their clip URL;
// Close returns after the scanner confirmed the session's last hypothesis.
func TestScanThroughStream(t *testing.T) {
	e := newEnv(t, 4)
	ctx := testutil.Context(t, 30*time.Second)
	room := pipeline.Room{ID: "r1", Anchor: "anna"}
	text, err := e.bus.Open(room, "text-1", pipeline.FeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := text.Scan(ctx, []transcript.Hypothesis{
		{Utterance: 1, Text: "it cure"}, {Utterance: 1, Final: true, Text: "it cure best"}, {Utterance: 2, Final: true, Text: "hello"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, a := range got {
		rules = append(rules, a.RuleID)
		if a.Room != "r1" || a.Anchor != "anna" || a.Session != "text-1" || a.Utterance != 1 || a.ClipURL != "" {
			t.Errorf("alert %+v", a)
		}
	}
	if !slices.Equal(rules, []string{"r-cure", "r-best"}) {
		t.Fatalf("rules %v, want r-cure then r-best", rules)
	}

	var mu sync.Mutex
	var heard []alerter.Alert
	audio, err := e.bus.Open(room, "audio-1", pipeline.FeedOptions{Clips: true, OnAlerts: func(as []alerter.Alert) {
		mu.Lock()
		heard = append(heard, as...)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if err := audio.Send(ctx, transcript.Hypothesis{Utterance: uint64(i/2 + 1), Final: i%2 == 1, Text: "so best"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := audio.Close(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock() // Close returned: every answer before the flush was handed over
	n := len(heard)
	mu.Unlock()
	if n != 25 {
		t.Fatalf("OnAlerts saw %d alerts by Close, want 25 (one per utterance)", n)
	}
	if heard[0].ClipURL != "/clip/"+heard[0].ID {
		t.Fatalf("clip URL %q for alert %s", heard[0].ClipURL, heard[0].ID)
	}
	stored, err := e.sink.Alerts(ctx, natsinkQuery())
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 27 {
		t.Fatalf("alert stream holds %d alerts, want 27", len(stored))
	}
}

// TestStoredByPartition: the stream stores a room's hypotheses under one
// partition, whatever its traffic.
func TestStoredByPartition(t *testing.T) {
	e := newEnv(t, 4)
	ctx := testutil.Context(t, 30*time.Second)
	rooms := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	for _, r := range rooms {
		f, _ := e.bus.Open(pipeline.Room{ID: r}, "s", pipeline.FeedOptions{})
		for i := range 3 {
			_ = f.Send(ctx, transcript.Hypothesis{Utterance: uint64(i + 1), Text: "x"})
		}
		if err := f.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}
	s, _ := e.js.Stream(ctx, Stream)
	info, err := s.Info(ctx, jetstreamSubjects())
	if err != nil {
		t.Fatal(err)
	}
	part := map[string]string{}
	for subj := range info.State.Subjects {
		tok := splitStored(t, subj)
		if old, ok := part[tok[1]]; ok && old != tok[0] {
			t.Fatalf("room %s in partitions %s and %s", tok[1], old, tok[0])
		}
		part[tok[1]] = tok[0]
	}
	if len(part) != len(rooms) {
		t.Fatalf("stored rooms %v, want %v", part, rooms)
	}
}

// TestDeadLetter: a bad message goes to the dead-letter stream with its
// reason and does not hold up the good one behind it in its partition.
func TestDeadLetter(t *testing.T) {
	e := newEnv(t, 1)
	ctx := testutil.Context(t, 30*time.Second)
	if _, err := e.js.Publish(ctx, Subject("r1"), []byte(`{"schema":1,"utterance":1,"text":"cure"}`)); err != nil {
		t.Fatal(err)
	}
	f, _ := e.bus.Open(pipeline.Room{ID: "r1"}, "s1", pipeline.FeedOptions{})
	got, err := f.Scan(ctx, []transcript.Hypothesis{{Utterance: 1, Final: true, Text: "cure"}})
	if err != nil || len(got) != 1 {
		t.Fatalf("the good message behind a bad one: %v, %v", got, err)
	}
	dlq, err := e.js.Stream(ctx, DLQStream)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := dlq.GetLastMsgForSubject(ctx, DLQSubject)
	if err != nil {
		t.Fatal(err)
	}
	if r := msg.Header.Get(HeaderReason); r == "" || !contains(r, "session") || msg.Header.Get(HeaderSubject) == "" {
		t.Fatalf("dead letter headers %v", msg.Header)
	}
	if e.scan.Stats.Dead.Load() != 1 {
		t.Fatalf("dead count %d", e.scan.Stats.Dead.Load())
	}
}

// TestPlatformPublishes: a platform's own ASR publishes the documented
// JSON straight to earshot.utt.<room> and its alert is stored once, even
// when it publishes the same message twice with one Nats-Msg-Id.
func TestPlatformPublishes(t *testing.T) {
	e := newEnv(t, 2)
	ctx := testutil.Context(t, 30*time.Second)
	for range 2 {
		m := nats.NewMsg(Subject("shop7"))
		m.Header.Set(nats.MsgIdHdr, "platform-s9-1-final")
		m.Data = []byte(`{"schema":1,"session":"s9","utterance":1,"final":true,"text":"the best cream","start_ms":100,"end_ms":900}`)
		if _, err := e.js.PublishMsg(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	testutil.WaitFor(t, 10*time.Second, "the platform's alert", func() bool {
		as, _ := e.sink.Alerts(ctx, natsinkQuery())
		return len(as) == 1 && as[0].Room == "shop7" && as[0].RuleID == "r-best" && as[0].StartMs >= 0
	})
	// The count is taken once the scanner is done with the message, which
	// may be just after its alert is stored.
	testutil.WaitFor(t, 5*time.Second, "the message counted", func() bool { return e.scan.Stats.Scanned.Load() >= 1 })
	if n := e.scan.Stats.Scanned.Load(); n != 1 {
		t.Fatalf("scanned %d messages, want 1 (the duplicate is dropped by the stream)", n)
	}
}

// TestIndexStoresFinals: the index role stores final, non-empty
// hypotheses with their hits and skips partials and flushes.
func TestIndexStoresFinals(t *testing.T) {
	e := newEnv(t, 2)
	ctx := testutil.Context(t, 30*time.Second)
	var mu sync.Mutex
	var got []pipeline.Heard
	var hits [][]lexicon.Hit
	ix, err := StartIndex(ctx, e.js, IndexOptions{Matcher: testMatcher, Logger: testutil.Quiet(), Store: func(h pipeline.Heard, hs []lexicon.Hit) {
		mu.Lock()
		got, hits = append(got, h), append(hits, hs)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	f, _ := e.bus.Open(pipeline.Room{ID: "r1"}, "s1", pipeline.FeedOptions{})
	_ = f.Send(ctx, transcript.Hypothesis{Utterance: 1, Text: "it cure"})
	_ = f.Send(ctx, transcript.Hypothesis{Utterance: 1, Final: true, Text: "it cure all"})
	_ = f.Send(ctx, transcript.Hypothesis{Utterance: 2, Final: true, Text: "  "})
	_ = f.Close(ctx)
	testutil.WaitFor(t, 10*time.Second, "one final indexed", func() bool { return ix.Indexed.Load() == 1 })
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].Text != "it cure all" || len(hits[0]) != 1 || hits[0][0].RuleID != "r-cure" {
		t.Fatalf("indexed %+v with hits %+v", got, hits)
	}
}

// TestShedStalePartials: a scanner that fell behind skips partials that
// waited longer than ShedPartialsAfter and still scans every final.
func TestShedStalePartials(t *testing.T) {
	e := newEnv(t, 1)
	ctx := testutil.Context(t, 30*time.Second)
	e.scan.Release(0)      // the scanner falls behind: nothing consumes
	var told atomic.Uint64 // what the session hears of its shed partials (its room's status)
	f, _ := e.bus.Open(pipeline.Room{ID: "r1"}, "s1", pipeline.FeedOptions{OnShed: func(n uint64) { told.Add(n) }})
	for u := 1; u <= 5; u++ {
		_ = f.Send(ctx, transcript.Hypothesis{Utterance: uint64(u), Text: "it cure"})
		_ = f.Send(ctx, transcript.Hypothesis{Utterance: uint64(u), Final: true, Text: "it cure"})
	}
	queued := time.Now()
	late := e.newScan(t, 1)
	late.opts.ShedPartialsAfter = 100 * time.Millisecond
	testutil.WaitFor(t, 5*time.Second, "the partials to be stale", func() bool { return time.Since(queued) > 200*time.Millisecond })
	if err := late.Own(ctx, 0); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "five finals scanned", func() bool { return late.Stats.Scanned.Load() == 5 })
	if n := late.Stats.Shed.Load(); n != 5 {
		t.Fatalf("shed %d partials, want 5", n)
	}
	testutil.WaitFor(t, 10*time.Second, "an alert per final", func() bool {
		as, _ := e.sink.Alerts(ctx, natsinkQuery())
		return len(as) == 5
	})
	// Told once a second at most, and the rest with the flush.
	if err := f.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if n := told.Load(); n != 5 {
		t.Fatalf("the session was told of %d shed partials, want 5", n)
	}
}

// TestBusCloseTwice: a service closed by its owner and again by a deferred
// cleanup must not panic on the second Close.
func TestBusCloseTwice(t *testing.T) {
	e := newEnv(t, 1)
	if err := e.bus.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.bus.Close(); err != nil {
		t.Fatal(err)
	}
}
