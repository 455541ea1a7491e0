package webhook

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testutil"
)

// Two api nodes share the work: each event is fanned out once and each
// delivery sent by one node, whichever node the endpoint was added on.
func TestTwoNodesSendEachDeliveryOnce(t *testing.T) {
	e := newEnv(t)
	rcv := newReceiver(t, ok)
	a, b := e.start(t, e.opts()), e.start(t, e.opts())
	w := create(t, a, rcv.URL, api.EventAlert)
	testutil.WaitFor(t, 10*time.Second, "node b to learn the endpoint", func() bool {
		_, err := b.Get(context.Background(), w.ID)
		return err == nil
	})
	const n = 40
	for i := range n {
		e.publish(t, alerter.AlertSubject("claims", "r1"), alerter.Alert{Schema: 1, ID: fmt.Sprint(i), Room: "r1"})
	}
	waitDeliveries(t, b, w.ID, n, status(api.DeliveryDelivered))
	hits, _ := rcv.Hits()
	if len(hits) != n || len(rcv.Accepted()) != n {
		t.Errorf("%d requests for %d distinct deliveries, want %d of each", len(hits), len(rcv.Accepted()), n)
	}
}

// The alert stream deleted and made again (the sink does that when an
// operator deletes it) takes the fan-out consumer with it; the fan-out
// attaches again, and the alerts stored since are delivered.
func TestFanoutSurvivesStreamRecreated(t *testing.T) {
	e := newEnv(t)
	rcv := newReceiver(t, ok)
	s := e.start(t, e.opts())
	w := create(t, s, rcv.URL, api.EventAlert)
	ctx := context.Background()
	if err := e.js.DeleteStream(ctx, alerter.AlertStream); err != nil {
		t.Fatal(err)
	}
	if _, err := e.js.CreateStream(ctx, jetstream.StreamConfig{Name: alerter.AlertStream, Subjects: []string{alerter.AlertSubjects}}); err != nil {
		t.Fatal(err)
	}
	// Stored before the fan-out is back: not skipped.
	e.publish(t, alerter.AlertSubject("claims", "r1"), alerter.Alert{Schema: 1, ID: "meanwhile", Room: "r1"})
	testutil.Eventually(t, 20*time.Second, func() error {
		_, err := e.js.Consumer(ctx, alerter.AlertStream, fanoutConsumer)
		return err
	})
	e.publish(t, alerter.AlertSubject("claims", "r1"), alerter.Alert{Schema: 1, ID: "after", Room: "r1"})
	waitDeliveries(t, s, w.ID, 2, status(api.DeliveryDelivered))
}
