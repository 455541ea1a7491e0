package reports

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/ratelimit"
)

// BenchmarkObserve: one report through the burst detector, in a room with
// a steady stream of reports over many moments.
func BenchmarkObserve(b *testing.B) {
	d, _ := NewDetector(DefaultRules)
	now := time.Unix(1000, 0)
	reps := make([]alerter.Report, 4096)
	for i := range reps {
		reps[i] = alerter.Report{Room: fmt.Sprintf("r%d", i%64), Session: "s", AtMs: int64(i%200) * 20000, Category: "other",
			Reporter: Reporter(fmt.Sprint(i)), Weight: 0.5}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		now = now.Add(time.Millisecond)
		d.Observe(reps[i%len(reps)], now)
	}
}

// BenchmarkSubmit: one accepted report end to end on a real embedded NATS
// server: rate limits, dedup key, record update, publish into
// EARSHOT_EVENTS (the alert log read for corroboration is cached).
func BenchmarkSubmit(b *testing.B) {
	r := newRig(b, Options{PerRoom: ratelimit.Rate{PerSecond: 1e9, Burst: 1 << 30}})
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := r.svc.Submit(ctx, fmt.Sprintf("v%d", i), "bench", Request{AtMs: int64(i%6) * 10000, Category: "other"}); err != nil {
			b.Fatal(err)
		}
	}
}
