package cases

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/internal/testutil"
)

// TestTwoBuildersGroupEachAlertOnce: two api nodes bind the same durable
// consumers; every stored alert lands in exactly one case, the runs of
// each anchor are grouped, and an escalation that arrives before its
// alert is grouped is applied once the alert is.
func TestTwoBuildersGroupEachAlertOnce(t *testing.T) {
	st1, js := openStore(t)
	ctx := testutil.Context(t, 60*time.Second)
	ensureStreams(t, js)
	st2, err := Open(ctx, js, Options{Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st2.Close)
	// The escalation first: its alert is not in any case yet.
	esc, _ := json.Marshal(alerter.Escalation{Schema: 1, ID: "e1", Room: "r3", Level: alerter.LevelStopSuggested, AlertIDs: []string{"a-r3-00"}})
	if _, err := js.Publish(ctx, alerter.EscalationSubject("r3"), esc); err != nil {
		t.Fatal(err)
	}
	for _, st := range []*Store{st1, st2} {
		b, err := StartBuilder(ctx, js, st, testutil.Quiet())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(b.Close)
	}
	const perRoom = 30
	for i := range perRoom {
		for _, room := range []string{"r1", "r2", "r3"} {
			a := alert(fmt.Sprintf("a-%s-%02d", room, i), "anchor-"+room, room, "s1", "medium", "absolute-claim", time.Duration(i)*time.Second)
			data, _ := json.Marshal(a)
			if _, err := js.Publish(ctx, alerter.AlertSubject(a.Category, a.Room), data); err != nil {
				t.Fatal(err)
			}
		}
	}
	testutil.WaitFor(t, 20*time.Second, "three cases of 30 hits each, on both nodes, r3 escalated", func() bool {
		for _, st := range []*Store{st1, st2} {
			cs, n, _ := st.List(Filter{})
			if n != 3 {
				return false
			}
			for _, c := range cs {
				if c.HitCount != perRoom {
					return false
				}
			}
			if cs[0].Room != "r3" || cs[0].Escalation != alerter.LevelStopSuggested {
				return false
			}
		}
		return true
	})
	// Two nodes group in parallel: the case's first alert is whichever
	// they grouped first, not necessarily the oldest.
	id, err := st1.CaseOf(ctx, "a-r1-00")
	if err != nil {
		t.Fatal(err)
	}
	c, err := st1.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, h := range c.Hits {
		if seen[h.AlertID] {
			t.Fatalf("alert %s twice in case %s", h.AlertID, c.ID)
		}
		seen[h.AlertID] = true
	}
}

// ensureStreams makes the alert and event streams the builder reads.
func ensureStreams(t *testing.T, js jetstream.JetStream) {
	t.Helper()
	ctx := testutil.Context(t, 10*time.Second)
	if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{Name: alerter.AlertStream, Subjects: []string{alerter.AlertSubjects}}); err != nil {
		t.Fatal(err)
	}
	if _, err := natsink.EnsureEvents(ctx, js, natsink.EventOptions{}); err != nil {
		t.Fatal(err)
	}
}
