package escalation_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/escalation"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

// BenchmarkObserve is what the escalation stage adds to one reminded
// alert on an embedded server (file storage): the heeded deadline read
// and rewritten, the count read and compare-and-set, over 100 anchors; a
// level is crossed now and then (staff 3, stop 5 in a long window).
//
// Baseline (AMD EPYC, 2 cores shared, Go 1.26, embedded nats-server
// v2.15.2, -benchtime 2000x): 0.88 ms/op, 40.8 KB/op, 483 allocs/op, 200
// escalations: five round trips to the server per reminded alert, which
// the 20 s reminder cooldown keeps to at most one per rule and room.
func BenchmarkObserve(b *testing.B) {
	srv := natstest.Start(b, "")
	nc := natstest.Service(b, srv)
	ctx := context.Background()
	js, _ := jetstream.New(nc)
	if _, err := natsink.EnsureEvents(ctx, js, natsink.EventOptions{}); err != nil {
		b.Fatal(err)
	}
	tr, err := escalation.Open(ctx, nc, escalation.Options{Logger: testutil.Quiet(), Policy: func(alerter.Alert) escalation.Policy {
		return escalation.Policy{Window: time.Hour, Staff: 3, StopSuggested: 5, Heeded: time.Hour}
	}})
	if err != nil {
		b.Fatal(err)
	}
	defer tr.Close()
	now := time.Now()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		a := alerter.Alert{ID: fmt.Sprintf("a%d", i), Room: fmt.Sprintf("r%d", i%100), Anchor: fmt.Sprintf("an%d", i%100),
			RuleID: "cure", Category: "medical-claim", Severity: "high"}
		tr.Observe(ctx, a, true, now.Add(time.Duration(i)*time.Millisecond))
	}
	b.ReportMetric(float64(tr.Stats().Staff.Load()+tr.Stats().StopSuggested.Load()), "escalations")
}
