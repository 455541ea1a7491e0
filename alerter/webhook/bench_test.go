package webhook

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/webhook/webhooktest"
	"github.com/earshot/earshot/api"
)

// BenchmarkDeliver: events stored in EARSHOT_ALERTS until each is
// accepted by a real loopback receiver, through the fan-out, the queue,
// one endpoint's consumer and a signed POST (default concurrency 4).
// Results with the hardware: docs/webhooks.md.
func BenchmarkDeliver(b *testing.B) {
	for _, endpoints := range []int{1, 4} {
		b.Run(fmt.Sprintf("endpoints=%d", endpoints), func(b *testing.B) {
			e := newEnv(b)
			s := e.start(b, e.opts())
			var rcvs []*webhooktest.Receiver
			for range endpoints {
				r := newReceiver(b, ok)
				rcvs = append(rcvs, r)
				if _, err := s.Create(context.Background(), api.WebhookRequest{URL: r.URL, Secret: testSecret, Events: []string{api.EventAlert}}); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for i := range b.N {
				e.publish(b, alerter.AlertSubject("claims", "r1"), alerter.Alert{Schema: 1, ID: fmt.Sprint(i), Room: "r1"})
			}
			deadline := time.Now().Add(5 * time.Minute)
			for _, r := range rcvs {
				for n := len(r.Accepted()); n < b.N; n = len(r.Accepted()) {
					if time.Now().After(deadline) {
						b.Fatalf("%d of %d delivered", n, b.N)
					}
					time.Sleep(5 * time.Millisecond) // polling a benchmark's end, not waiting out a race
				}
			}
			b.ReportMetric(float64(b.N*endpoints)/b.Elapsed().Seconds(), "deliveries/s")
		})
	}
}

// BenchmarkListDeliveries: GET /v1/webhooks/{id}/deliveries?limit=50 of
// an endpoint with 10,000 stored records (a busy day's deliveries).
func BenchmarkListDeliveries(b *testing.B) {
	e := newEnv(b)
	s := e.start(b, e.opts())
	ctx := context.Background()
	const n = 10000
	at := time.Now()
	for i := range n {
		rec := record{Delivery: api.Delivery{ID: deliveryID("wh_bench", "S", uint64(i), at.Add(time.Duration(i)*time.Millisecond)),
			Webhook: "wh_bench", Event: api.EventAlert, Status: api.DeliveryDelivered}}
		if err := s.records.create(ctx, rec); err != nil {
			b.Fatal(err)
		}
	}
	s.mu.Lock()
	s.known["wh_bench"] = Endpoint{ID: "wh_bench"}
	s.mu.Unlock()
	b.ResetTimer()
	for range b.N {
		l, err := s.Deliveries(ctx, "wh_bench", 50)
		if err != nil || len(l) != 50 {
			b.Fatalf("%d deliveries, %v", len(l), err)
		}
	}
}
