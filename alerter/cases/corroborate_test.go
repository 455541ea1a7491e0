package cases

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/testutil"
)

// TestCorroboratedCaseRanksHigher: viewer reports that fall on an alert's
// moment (earshot.report.<room> naming it in corroborates) raise its case
// above an uncorroborated case of the same severity, each reporter counts
// once however often they report, a flooded new reporter weighs nothing,
// and a report that comes before its alert is grouped waits for it.
func TestCorroboratedCaseRanksHigher(t *testing.T) {
	st, js := openStore(t)
	ctx := testutil.Context(t, 60*time.Second)
	ensureStreams(t, js)
	b, err := StartBuilder(ctx, js, st, testutil.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	publish := func(subject string, v any) {
		t.Helper()
		data, _ := json.Marshal(v)
		if _, err := js.Publish(ctx, subject, data); err != nil {
			t.Fatal(err)
		}
	}
	report := func(id, room, reporter string, weight float64, isNew, flood bool, alerts ...string) {
		publish(alerter.ReportSubject(room), alerter.Report{Schema: 1, ID: id, At: t0.Add(time.Hour), Room: room, Reporter: reporter,
			Weight: weight, New: isNew, Flood: flood, AtMs: 1000, Category: "medical-claim", Corroborates: alerts})
	}
	// A report before its alert is grouped: it waits for the alert. One
	// of an alert long gone is skipped, not retried.
	report("p0", "r2", "h-early", 0.5, false, false, "b1")
	publish(alerter.ReportSubject("r9"), alerter.Report{Schema: 1, ID: "old", At: t0, Room: "r9", Reporter: "h-old",
		Weight: 1, Corroborates: []string{"expired-alert"}})
	// Oldest first: the uncorroborated case would lead an age-only queue.
	for _, a := range []alerter.Alert{
		alert("a1", "Ann", "r1", "s1", "high", "medical-claim", 0),
		alert("b1", "Bob", "r2", "s1", "high", "medical-claim", time.Minute),
		alert("b2", "Bob", "r2", "s1", "high", "medical-claim", 2*time.Minute),
		alert("c1", "Cat", "r3", "s1", "critical", "medical-claim", 3*time.Minute),
	} {
		publish(alerter.AlertSubject(a.Category, a.Room), a)
	}
	report("p1", "r2", "h1", 0.73, false, false, "b1")
	report("p2", "r2", "h1", 0.73, false, false, "b2") // the same reporter again
	report("p3", "r2", "h2", 0.2, true, false, "b2", "b1")
	report("p4", "r2", "h3", 0.2, true, true, "b1") // a new reporter in a flood
	report("p5", "r1", "h4", 0.2, true, true, "a1") // flooded only: no rank
	var cs []Case
	// One consumer reads the reports in order: p5, the last, has reached
	// a1 once it carries a reporter.
	testutil.WaitFor(t, 20*time.Second, "case b1 corroborated by 4 reporters, a1 by the last report", func() bool {
		b, err := st.Get(ctx, "b1")
		a, aerr := st.Get(ctx, "a1")
		return err == nil && aerr == nil && b.Corroboration != nil && b.Corroboration.Reports == 4 && a.Corroboration != nil
	})
	cs, _, err = st.List(Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, c := range cs {
		order = append(order, c.ID)
	}
	// critical first (severity outranks reports), then the corroborated
	// high case, then the older one whose reports all weighed nothing.
	if len(order) != 3 || order[0] != "c1" || order[1] != "b1" || order[2] != "a1" {
		t.Fatalf("queue %v, want [c1 b1 a1]", order)
	}
	k := cs[1].Corroboration
	if k.Reports != 4 || k.Weight != 1.43 {
		t.Errorf("b1 corroboration %+v, want 4 reporters weighing 1.43 (0.5 + 0.73 + 0.2 + 0)", k)
	}
	if a := cs[2].Corroboration; a == nil || a.Reports != 1 || a.Weight != 0 {
		t.Errorf("a1 corroboration %+v, want one reporter weighing 0", a)
	}
	// Every report is done with, the one of an expired alert included.
	cons, err := js.Consumer(ctx, alerter.EventStream, ReportConsumer)
	if err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "every report acknowledged", func() bool {
		info, err := cons.Info(ctx)
		return err == nil && info.NumPending == 0 && info.NumAckPending == 0
	})
}
