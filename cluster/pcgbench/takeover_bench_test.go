package pcgbench

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/synadia-io/orbit.go/pcgroups"

	"github.com/earshot/earshot/internal/natstest"
)

// BenchmarkStaticTakeover: one op is a pcgroups static member running as
// two instances (the pinned one and a hot standby); the pinned one stops
// and the op ends at the standby's first delivery, with a message every
// 10 ms. AckWait is 3 s, our claim TTL, which pcgroups turns into the
// pinned TTL.
func BenchmarkStaticTakeover(b *testing.B) {
	srv := natstest.Start(b, "")
	js, err := jetstream.New(natstest.Service(b, srv))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var total time.Duration
	for i := range b.N {
		name := fmt.Sprintf("T%d", i)
		createStatic(ctx, b, js, name, []string{"m0"})
		var got [2]atomic.Int64
		cfg := consumerConfig()
		cfg.AckWait = 3 * time.Second
		var ccs [2]pcgroups.ConsumerGroupConsumeContext
		for k := range ccs {
			if ccs[k], err = pcgroups.StaticConsume(ctx, js, name, "cg", "m0", func(m jetstream.Msg) {
				_ = m.Ack()
				got[k].Add(1)
			}, cfg); err != nil {
				b.Fatal(err)
			}
		}
		publishUntil(ctx, b, js, subj(name)+".in.room-1", func() bool { return got[0].Load()+got[1].Load() > 0 })
		pinned := 0
		if got[1].Load() > 0 {
			pinned = 1
		}
		other := 1 - pinned
		before := got[other].Load()
		start := time.Now()
		ccs[pinned].Stop()
		publishUntil(ctx, b, js, subj(name)+".in.room-1", func() bool { return got[other].Load() > before })
		total += time.Since(start)
		ccs[other].Stop()
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "takeover-s")
}

// publishUntil publishes a message every 10 ms until done says so.
func publishUntil(ctx context.Context, b *testing.B, js jetstream.JetStream, subject string, done func() bool) {
	for !done() {
		if _, err := js.Publish(ctx, subject, make([]byte, 8)); err != nil {
			b.Fatal(err)
		}
		select {
		case <-ctx.Done():
			b.Fatal("no delivery before the deadline")
		case <-time.After(10 * time.Millisecond):
		}
	}
}
