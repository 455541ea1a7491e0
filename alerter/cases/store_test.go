package cases

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

var t0 = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func openStore(t *testing.T) (*Store, jetstream.JetStream) { return openStoreB(t) }

func openStoreB(t testing.TB) (*Store, jetstream.JetStream) {
	t.Helper()
	nc := natstest.InProcess(t, natstest.Start(t, ""))
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	st, err := Open(testutil.Context(t, 10*time.Second), js, Options{Window: 10 * time.Minute,
		Now: func() time.Time { return t0.Add(time.Hour) }, Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return st, js
}

func alert(id, anchor, room, session, sev, cat string, at time.Duration) alerter.Alert {
	return alerter.Alert{Schema: 1, ID: id, At: t0.Add(at), Room: room, Anchor: anchor, Session: session,
		RuleID: cat + "-rule", Category: cat, Severity: sev, MatchedText: "best", Context: "the best " + id,
		ClipURL: "/v1/alerts/" + id + "/clip"}
}

func TestGrouping(t *testing.T) {
	st, _ := openStore(t)
	ctx := testutil.Context(t, 20*time.Second)
	add := func(a alerter.Alert) Case {
		t.Helper()
		c, err := st.Add(ctx, a)
		if err != nil {
			t.Fatalf("Add %s: %v", a.ID, err)
		}
		return c
	}
	steps := []struct {
		a      alerter.Alert
		wantID string
		hits   int
	}{
		{alert("a1", "Mei", "r1", "s1", "low", "absolute-claim", 0), "a1", 1},
		{alert("a2", "Mei", "r1", "s1", "high", "medical-claim", 4*time.Minute), "a1", 2},
		{alert("a3", "Mei", "r1", "s1", "medium", "absolute-claim", 13*time.Minute), "a1", 3}, // 9 min after a2
		{alert("a1", "Mei", "r1", "s1", "low", "absolute-claim", 0), "a1", 3},                 // redelivered: no change
		{alert("b1", "Mei", "r1", "s2", "low", "absolute-claim", 14*time.Minute), "b1", 1},    // another session
		{alert("c1", "", "r2", "s1", "low", "absolute-claim", 14*time.Minute), "c1", 1},       // no anchor: the room's
		{alert("c2", "", "r2", "s1", "low", "absolute-claim", 15*time.Minute), "c1", 2},
		{alert("a4", "Mei", "r1", "s1", "low", "absolute-claim", 24*time.Minute), "a4", 1}, // 11 min after a3
	}
	for _, s := range steps {
		c := add(s.a)
		if c.ID != s.wantID || len(c.Hits) != s.hits || c.HitCount != s.hits {
			t.Fatalf("after %s: case %s with %d hits, want %s with %d", s.a.ID, c.ID, len(c.Hits), s.wantID, s.hits)
		}
	}
	c, err := st.Get(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	if c.Severity != "high" || !slices.Equal(c.Categories, []string{"absolute-claim", "medical-claim"}) ||
		!slices.Equal(c.AlertIDs(), []string{"a1", "a2", "a3"}) || c.Hits[2].Context != "the best a3" {
		t.Fatalf("case a1: %+v", c)
	}
	// A decided case takes no more hits: the next one opens a case.
	if _, err := st.Decide(ctx, "a4", StateDismissed, "li", "asr", nil); !errors.Is(err, ErrGrew) {
		t.Fatalf("a decision that covers none of the hits: %v, want ErrGrew", err)
	}
	if _, err := st.Decide(ctx, "a4", StateDismissed, "li", "asr", []string{"a4"}); err != nil {
		t.Fatal(err)
	}
	if c := add(alert("a5", "Mei", "r1", "s1", "low", "absolute-claim", 25*time.Minute)); c.ID != "a5" {
		t.Fatalf("hit after a decision joined case %s", c.ID)
	}
	if _, err := st.Decide(ctx, "a4", StateConfirmed, "li", "", []string{"a4"}); !errors.Is(err, ErrDecided) {
		t.Fatalf("second decision: %v, want ErrDecided", err)
	}
	if _, err := st.Assign(ctx, "a4", "li"); !errors.Is(err, ErrDecided) {
		t.Fatalf("assigning a decided case: %v, want ErrDecided", err)
	}
	if _, err := st.Get(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(nope): %v", err)
	}
	if _, err := st.Get(ctx, "../x"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Get(../x): %v", err)
	}
}

func TestQueueOrderFiltersAndStats(t *testing.T) {
	st, _ := openStore(t)
	ctx := testutil.Context(t, 20*time.Second)
	for i, a := range []alerter.Alert{
		alert("low1", "A", "r1", "s", "low", "absolute-claim", 0),
		alert("high1", "B", "r1", "s", "high", "medical-claim", 5*time.Minute),
		alert("high0", "C", "r2", "s", "high", "medical-claim", 2*time.Minute),
		alert("esc1", "D", "r3", "s", "low", "absolute-claim", 30*time.Minute),
	} {
		a.Merchant = []string{"m-1", "m-2"}[i%2]
		if _, err := st.Add(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Escalate(ctx, alerter.Escalation{ID: "e1", Level: alerter.LevelStaff, AlertIDs: []string{"esc1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Escalate(ctx, alerter.Escalation{ID: "e2", Level: alerter.LevelStaff, AlertIDs: []string{"unknown"}}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("escalation of an ungrouped alert: %v", err)
	}
	ids := func(f Filter) []string {
		t.Helper()
		cs, _, err := st.List(f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	if got, want := ids(Filter{}), []string{"esc1", "high0", "high1", "low1"}; !slices.Equal(got, want) {
		t.Fatalf("queue %v, want %v (escalation, severity, oldest)", got, want)
	}
	if _, err := st.Assign(ctx, "high1", "li"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Decide(ctx, "high0", StateConfirmed, "wang", "", []string{"high0"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		f    Filter
		want []string
	}{
		{Filter{Category: "medical-claim"}, []string{"high0", "high1"}},
		{Filter{Room: "r1"}, []string{"high1", "low1"}},
		{Filter{Anchor: "D"}, []string{"esc1"}},
		{Filter{Merchant: "m-2"}, []string{"esc1", "high1"}},
		{Filter{Merchant: "m-3"}, nil},
		{Filter{State: "assigned"}, []string{"high1"}},
		{Filter{State: "unassigned"}, []string{"esc1", "low1"}},
		{Filter{State: "decided"}, []string{"high0"}},
		{Filter{State: "open"}, []string{"esc1", "high1", "low1"}},
		{Filter{MaxAge: 40 * time.Minute}, []string{"esc1"}}, // now is t0+1h
		{Filter{MinAge: 55 * time.Minute}, []string{"high0", "high1", "low1"}},
		{Filter{Limit: 1}, []string{"esc1"}},
	} {
		if got := ids(c.f); !slices.Equal(got, c.want) {
			t.Errorf("List(%+v) = %v, want %v", c.f, got, c.want)
		}
	}
	for _, bad := range []Filter{{State: "closed"}, {Room: "a b"}, {Limit: MaxLimit + 1}, {MaxAge: -1}} {
		if _, _, err := st.List(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("List(%+v): %v, want ErrInvalid", bad, err)
		}
	}
	stats := st.Stats()
	if len(stats) != 2 || stats[1].Category != "medical-claim" || stats[1].Confirmed != 1 || stats[1].Open != 1 ||
		len(stats[1].Seconds) != 1 || stats[1].Seconds[0] != (58*time.Minute).Seconds() {
		t.Fatalf("stats %+v", stats)
	}
}

// TestTwoStoresShareTheBucket: two nodes' stores see each other's cases,
// and concurrent adds of one run end up in one case.
func TestTwoStoresShareTheBucket(t *testing.T) {
	st1, js := openStore(t)
	st2, err := Open(testutil.Context(t, 10*time.Second), js, Options{Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st2.Close)
	ctx := testutil.Context(t, 30*time.Second)
	errs := make(chan error, 20)
	for i := range 20 {
		st := st1
		if i%2 == 1 {
			st = st2
		}
		go func() {
			_, err := st.Add(ctx, alert("x"+string(rune('a'+i)), "Mei", "r1", "s1", "low", "absolute-claim", time.Duration(i)*time.Second))
			errs <- err
		}()
	}
	for range 20 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	testutil.WaitFor(t, 5*time.Second, "both indexes see one case of 20 hits", func() bool {
		for _, st := range []*Store{st1, st2} {
			cs, n, _ := st.List(Filter{})
			if n != 1 || cs[0].HitCount != 20 {
				return false
			}
		}
		return true
	})
}

// TestRunKeyFollowsHits: the run's key is written again with each hit, so
// its last write stays in the block nats-server is writing (a read of a
// key loads the whole block of its last write), and it still names the
// run's case.
func TestRunKeyFollowsHits(t *testing.T) {
	st, _ := openStore(t)
	ctx := testutil.Context(t, 20*time.Second)
	first := alert("k1", "Mei", "r1", "s1", "low", "absolute-claim", 0)
	for i, a := range []alerter.Alert{first, alert("k2", "Mei", "r1", "s1", "low", "absolute-claim", time.Minute),
		alert("k3", "Mei", "r1", "s1", "high", "medical-claim", 2*time.Minute)} {
		c, err := st.Add(ctx, a)
		if err != nil {
			t.Fatalf("Add %s: %v", a.ID, err)
		}
		e, err := st.kv.Get(ctx, "g."+groupKey(first))
		if err != nil {
			t.Fatal(err)
		}
		if string(e.Value()) != "k1" {
			t.Fatalf("after hit %d the run names case %q, want k1", i+1, e.Value())
		}
		// The hit's own writes (case, then link) come after the run key's.
		if i > 0 && e.Revision() < c.Revision {
			t.Errorf("after hit %d the run key was last written at revision %d, before the case (%d)", i+1, e.Revision(), c.Revision)
		}
	}
}
