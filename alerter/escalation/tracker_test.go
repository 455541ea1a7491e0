package escalation_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/escalation"
	"github.com/earshot/earshot/alerter/natsembed"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// clock is a test clock every part of one test reads.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// words fires rule "r-<word>" (medical-claim, high) for each word in the text.
type words []string

func (m words) Match(h transcript.Hypothesis) []lexicon.Hit {
	var hits []lexicon.Hit
	for _, w := range m {
		if strings.Contains(h.Text, w) {
			hits = append(hits, lexicon.Hit{HitRule: &lexicon.HitRule{RuleID: "r-" + w, Category: "medical-claim",
				Severity: "high", Reminder: "no " + w}, MatchedText: w})
		}
	}
	return hits
}

var policy = escalation.Policy{Window: 10 * time.Minute, Staff: 3, StopSuggested: 5, Heeded: 2 * time.Minute}

// node is one scanner process: sink, tracker and scanner on their own
// connection, sharing the server's buckets.
type node struct {
	nc      *nats.Conn
	sink    *natsink.Sink
	tracker *escalation.Tracker
	scan    *pipeline.Scanner
}

func startNode(t *testing.T, srv *natsembed.Server, clk *clock) *node {
	t.Helper()
	nc := natstest.Service(t, srv)
	ctx := testutil.Context(t, 20*time.Second)
	js, _ := jetstream.New(nc)
	if _, err := natsink.EnsureEvents(ctx, js, natsink.EventOptions{}); err != nil {
		t.Fatal(err)
	}
	// Open's context bounds Open only: the sweep must outlive it.
	octx, cancel := context.WithTimeout(ctx, 10*time.Second)
	tr, err := escalation.Open(octx, nc, escalation.Options{Policy: func(alerter.Alert) escalation.Policy { return policy },
		SweepEvery: 20 * time.Millisecond, Now: clk.Now, Logger: testutil.Quiet()})
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tr.Close)
	shared, err := natsink.KVCooldown(ctx, js, time.Hour, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	sink, err := natsink.New(ctx, nc, natsink.Options{Logger: testutil.Quiet(), Now: clk.Now, Observer: tr, SharedCooldown: shared})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sink.Close() })
	sc, err := pipeline.NewScanner(pipeline.ScanConfig{Matcher: pipeline.Static(words{"cure", "best"}), Sink: sink, Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	return &node{nc: nc, sink: sink, tracker: tr, scan: sc}
}

// feed records what arrives on a subject.
type feed struct{ sub *nats.Subscription }

func listen(t *testing.T, nc *nats.Conn, subject string) feed {
	t.Helper()
	sub, err := nc.SubscribeSync(subject)
	if err != nil {
		t.Fatal(err)
	}
	_ = nc.Flush()
	return feed{sub}
}

func (f feed) none(t *testing.T, what string) {
	t.Helper()
	if m, err := f.sub.NextMsg(150 * time.Millisecond); err == nil {
		t.Fatalf("%s: unexpected %s", what, m.Data)
	}
}

func next[T any](t *testing.T, f feed, what string) T {
	t.Helper()
	m, err := f.sub.NextMsg(5 * time.Second)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	var v T
	if err := json.Unmarshal(m.Data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// say scans one final utterance of the anchor and returns its alert's id.
func say(t *testing.T, n *node, utt uint64, text string) string {
	t.Helper()
	room := pipeline.Room{ID: "r1", Anchor: "anchor-7"}
	got, err := n.scan.Scan(context.Background(), pipeline.Heard{Room: room, Session: "s1",
		Hypothesis: transcript.Hypothesis{Utterance: utt, Final: true, Text: text}})
	if err != nil || len(got) != 1 {
		t.Fatalf("scan %q: %v, %v", text, got, err)
	}
	return got[0].ID
}

// TestReplayCrossesLevels: an anchor repeats a medical claim a reminder
// cooldown apart; staff is raised at the third reminder, stop_suggested at
// the fifth, each once, and nothing before.
func TestReplayCrossesLevels(t *testing.T) {
	srv := natstest.Start(t, "")
	clk := &clock{now: time.Date(2025, 5, 1, 20, 0, 0, 0, time.UTC)}
	n := startNode(t, srv, clk)
	esc := listen(t, n.nc, alerter.EscalationSubject("r1"))
	var alerts []string
	for i := 1; i <= 8; i++ {
		alerts = append(alerts, say(t, n, uint64(i), "this tea will cure you"))
		switch i {
		case 3:
			e := next[alerter.Escalation](t, esc, "staff at the third reminder")
			if e.Level != alerter.LevelStaff || e.Count != 3 || e.Anchor != "anchor-7" || e.RuleID != "r-cure" ||
				len(e.AlertIDs) != 3 || e.AlertIDs[2] != alerts[2] || e.WindowSeconds != 600 || e.Text != "no cure" {
				t.Fatalf("staff escalation %+v", e)
			}
		case 5:
			e := next[alerter.Escalation](t, esc, "stop_suggested at the fifth reminder")
			if e.Level != alerter.LevelStopSuggested || e.Count != 5 || e.AlertIDs[4] != alerts[4] {
				t.Fatalf("stop escalation %+v", e)
			}
		default:
			esc.none(t, "reminder "+string(rune('0'+i)))
		}
		clk.Add(30 * time.Second) // past the 20 s cooldown: every hit is a reminder
	}
	if got := n.tracker.Stats(); got.Staff.Load() != 1 || got.StopSuggested.Load() != 1 {
		t.Fatalf("stats: staff %d stop %d", got.Staff.Load(), got.StopSuggested.Load())
	}

	// A whole window without a reminder arms the levels again: a new crossing.
	clk.Add(11 * time.Minute)
	for i := 9; i <= 11; i++ {
		say(t, n, uint64(i), "cure")
		clk.Add(30 * time.Second)
	}
	if e := next[alerter.Escalation](t, esc, "staff again after a quiet window"); e.Level != alerter.LevelStaff || e.Count != 3 {
		t.Fatalf("second crossing %+v", e)
	}
}

// TestHitsInsideCooldownDoNotCount: a hit the cooldown keeps from
// reminding is stored but is no reminder: it neither counts nor fires.
func TestHitsInsideCooldownDoNotCount(t *testing.T) {
	srv := natstest.Start(t, "")
	clk := &clock{now: time.Date(2025, 5, 1, 20, 0, 0, 0, time.UTC)}
	n := startNode(t, srv, clk)
	esc := listen(t, n.nc, alerter.EscalationSubject("r1"))
	for i := 1; i <= 6; i++ {
		say(t, n, uint64(i), "cure")
		clk.Add(time.Second)
	}
	esc.none(t, "six hits inside one cooldown")
}

// TestHeeded: a reminder whose rule stays unbroken for the heeded window
// is published as heeded once; one broken again in time is not.
func TestHeeded(t *testing.T) {
	srv := natstest.Start(t, "")
	clk := &clock{now: time.Date(2025, 5, 1, 20, 0, 0, 0, time.UTC)}
	n := startNode(t, srv, clk)
	heeded := listen(t, n.nc, alerter.HeededSubject("r1"))

	say(t, n, 1, "the best tea")
	clk.Add(30 * time.Second)
	second := say(t, n, 2, "still the best") // broken again: the first reminder was not heeded
	clk.Add(time.Minute)
	heeded.none(t, "before the window passed")
	clk.Add(61 * time.Second)
	h := next[alerter.Heeded](t, heeded, "heeded after the window")
	if h.AlertID != second || h.RuleID != "r-best" || h.WindowSeconds != 120 || h.Anchor != "anchor-7" ||
		!h.At.Equal(h.RemindedAt.Add(2*time.Minute)) {
		t.Fatalf("heeded %+v (want alert %s)", h, second)
	}
	heeded.none(t, "heeded twice")
	st := n.tracker.Stats()
	if st.Heeded.Load() != 1 || st.Cancelled.Load() != 1 {
		t.Fatalf("stats: heeded %d cancelled %d", st.Heeded.Load(), st.Cancelled.Load())
	}
}

// TestHandover: the count and the heeded deadline live in the bucket; a
// second scanner takes over mid-run, continues the count without firing a
// level again, and fires the heeded reminder the first one left behind.
func TestHandover(t *testing.T) {
	srv := natstest.Start(t, "")
	clk := &clock{now: time.Date(2025, 5, 1, 20, 0, 0, 0, time.UTC)}
	a := startNode(t, srv, clk)
	esc := listen(t, a.nc, alerter.EscalationSubject("r1"))
	heeded := listen(t, a.nc, alerter.HeededSubject("r1"))
	for i := 1; i <= 4; i++ { // staff at 3 on a
		say(t, a, uint64(i), "cure")
		clk.Add(30 * time.Second)
	}
	if e := next[alerter.Escalation](t, esc, "staff on a"); e.Level != alerter.LevelStaff {
		t.Fatalf("got %+v", e)
	}
	say(t, a, 5, "the best") // a heeded deadline left behind by a
	a.tracker.Close()
	_ = a.sink.Close()

	b := startNode(t, srv, clk)
	clk.Add(30 * time.Second)
	say(t, b, 6, "cure") // fifth reminder of r-cure: b knows the first four
	if e := next[alerter.Escalation](t, esc, "stop_suggested on b"); e.Level != alerter.LevelStopSuggested || e.Count != 5 {
		t.Fatalf("got %+v", e)
	}
	esc.none(t, "staff fired again after the handover")
	clk.Add(3 * time.Minute)
	// both deadlines fire on b: r-best's left by a, r-cure's set by b
	rules := map[string]bool{}
	for range 2 {
		rules[next[alerter.Heeded](t, heeded, "heeded fired by b").RuleID] = true
	}
	if !rules["r-best"] || !rules["r-cure"] {
		t.Fatalf("heeded rules %v", rules)
	}
	heeded.none(t, "a third heeded")
}
