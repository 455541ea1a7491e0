package utt

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// BenchmarkScanRole measures the scan role alone: b.N hypotheses of rooms
// rooms (2 partials and a final per utterance, the shipped lexicon) wait
// in EARSHOT_UTT, published before the timer starts; then a scan role with
// the KV cooldown owns the 8 partitions and consumes them all. cpu-µs/hyp
// is the CPU time of the whole process (the embedded server delivering
// and taking acks, the consumer, decoding, matching, acks, GC) per
// hypothesis; the publishing side is not in it (BenchmarkScanNode has
// both). Nothing is shed: a backlog is what this measures.
func BenchmarkScanRole(b *testing.B) {
	for _, rooms := range []int{1000, 20000} {
		b.Run(fmt.Sprintf("rooms=%d", rooms), func(b *testing.B) {
			srv := natstest.Start(b, "")
			nc := natstest.Service(b, srv)
			ctx := testutil.Context(b, 5*time.Minute)
			js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(4096))
			if err != nil {
				b.Fatal(err)
			}
			if err := EnsureStreams(ctx, js, StreamOptions{Partitions: 8}); err != nil {
				b.Fatal(err)
			}
			bus := goalBus(b, nc)
			feeds := make([]*feed, rooms)
			for i := range feeds {
				f, err := bus.Open(pipeline.Room{ID: fmt.Sprintf("room%05d", i)}, "s1", pipeline.FeedOptions{})
				if err != nil {
					b.Fatal(err)
				}
				feeds[i] = f.(*feed)
			}
			for n := range b.N {
				k := n / rooms
				m, err := feeds[n%rooms].msg(transcript.Hypothesis{Utterance: uint64(k/3 + 1), Final: k%3 == 2, Text: benchTexts[k%3]})
				if err != nil {
					b.Fatal(err)
				}
				for {
					_, err := js.PublishMsgAsync(m, jetstream.WithStallWait(time.Second))
					if err == nil {
						break
					}
					if !errors.Is(err, jetstream.ErrTooManyStalledMsgs) || ctx.Err() != nil {
						b.Fatal(err)
					}
				}
			}
			select {
			case <-js.PublishAsyncComplete():
			case <-ctx.Done():
				b.Fatal("the backlog was not stored")
			}
			shared, err := natsink.KVCooldown(ctx, js, natsink.DefaultRepeatReset, 1, 0)
			if err != nil {
				b.Fatal(err)
			}
			sink, err := natsink.New(ctx, nc, natsink.Options{SharedCooldown: shared, Logger: testutil.Quiet()})
			if err != nil {
				b.Fatal(err)
			}
			sc, _ := pipeline.NewScanner(pipeline.ScanConfig{Matcher: shippedMatcher(b), Sink: sink, Logger: testutil.Quiet()})
			s, err := NewScan(nc, ScanOptions{Scanner: sc, Partitions: 8, ShedPartialsAfter: -1, Logger: testutil.Quiet()})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(s.Close)
			b.ResetTimer()
			start, cpu0 := time.Now(), selfCPU()
			if err := s.OwnAll(ctx); err != nil {
				b.Fatal(err)
			}
			for s.Stats.Scanned.Load() < uint64(b.N) {
				if ctx.Err() != nil {
					b.Fatalf("scanned %d of %d", s.Stats.Scanned.Load(), b.N)
				}
				time.Sleep(time.Millisecond)
			}
			el, cpu := time.Since(start), selfCPU()-cpu0
			b.StopTimer()
			b.ReportMetric(float64(b.N)/el.Seconds(), "hyp/s")
			b.ReportMetric(float64(cpu.Nanoseconds())/1e3/float64(b.N), "cpu-µs/hyp")
		})
	}
}
