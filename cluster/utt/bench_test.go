package utt

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// benchEnv is newEnv with the shipped lexicon: what a scan node runs.
func benchEnv(b *testing.B, partitions int) *env {
	b.Helper()
	srv := natstest.Start(b, "")
	nc := natstest.Service(b, srv)
	js, _ := jetstream.New(nc)
	ctx := context.Background()
	if err := EnsureStreams(ctx, js, StreamOptions{Partitions: partitions}); err != nil {
		b.Fatal(err)
	}
	sink, err := natsink.New(ctx, nc, natsink.Options{Logger: testutil.Quiet()})
	if err != nil {
		b.Fatal(err)
	}
	e := &env{nc: nc, js: js, sink: sink}
	if e.bus, err = NewBus(nc, BusOptions{Logger: testutil.Quiet()}); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = e.bus.Close() })
	sc, _ := pipeline.NewScanner(pipeline.ScanConfig{Matcher: shippedMatcher(b), Sink: sink, Logger: testutil.Quiet()})
	if e.scan, err = NewScan(nc, ScanOptions{Scanner: sc, Partitions: partitions, Logger: testutil.Quiet()}); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(e.scan.Close)
	if err := e.scan.OwnAll(ctx); err != nil {
		b.Fatal(err)
	}
	return e
}

var benchTexts = []string{
	"welcome everyone to the live room today",
	"this cream is made with natural ingredients",
	"you can order it with the link below",
}

// BenchmarkScanNode measures one scan node (embedded server, loopback,
// the shipped lexicon): hypotheses published asynchronously by the bus
// from many rooms (2 partials and a final per utterance), scanned in
// partition order, every one confirmed by the per-room flush at the end.
// hyp/s is the node's throughput; rooms_at_0.75Hz divides it by the
// 3 hypotheses per 4 s of a live room; cpu-µs/hyp is the CPU time (user +
// system, rusage) the whole process spent per hypothesis over the timed
// window: publishing, the embedded server storing and delivering, the
// scan role, garbage collection. It is what sizes a node, and unlike hyp/s
// it hardly depends on how much of the machine other processes hold.
func BenchmarkScanNode(b *testing.B) {
	for _, rooms := range []int{100, 1000} {
		b.Run(fmt.Sprintf("rooms=%d", rooms), func(b *testing.B) {
			e := benchEnv(b, 8)
			ctx := context.Background()
			feeds := make([]pipeline.Feed, rooms)
			for i := range feeds {
				feeds[i], _ = e.bus.Open(pipeline.Room{ID: fmt.Sprintf("room%05d", i)}, "s1", pipeline.FeedOptions{})
			}
			b.ResetTimer()
			start, cpu0 := time.Now(), selfCPU()
			for n := range b.N {
				f := feeds[n%rooms]
				k := n / rooms
				h := transcript.Hypothesis{Utterance: uint64(k/3 + 1), Final: k%3 == 2, Text: benchTexts[k%3]}
				if err := f.Send(ctx, h); err != nil {
					b.Fatal(err)
				}
			}
			cctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			for _, f := range feeds {
				if err := f.Close(cctx); err != nil {
					b.Fatal(err)
				}
			}
			el, cpu := time.Since(start), selfCPU()-cpu0
			b.StopTimer()
			rate := float64(b.N) / el.Seconds()
			b.ReportMetric(rate, "hyp/s")
			b.ReportMetric(rate/0.75, "rooms_at_0.75Hz")
			b.ReportMetric(float64(cpu.Nanoseconds())/1e3/float64(b.N), "cpu-µs/hyp")
		})
	}
}

// BenchmarkUtteranceToAlert measures the round trip of a posted
// utterance with a violation through the stream: publish, scan, alert
// stored in EARSHOT_ALERTS, answer back (what POST .../utterances waits
// for), while 1,000 other rooms' hypotheses load the node.
func BenchmarkUtteranceToAlert(b *testing.B) {
	e := benchEnv(b, 8)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan struct{})
	go func() { // background load: 1,000 rooms at 3 hypotheses per 4 s
		defer close(done)
		feeds := make([]pipeline.Feed, 1000)
		for i := range feeds {
			feeds[i], _ = e.bus.Open(pipeline.Room{ID: fmt.Sprintf("bg%04d", i)}, "s1", pipeline.FeedOptions{})
		}
		t := time.NewTicker(4 * time.Millisecond) // 750 hypotheses/s
		defer t.Stop()
		for n := 0; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				k := n / len(feeds)
				_ = feeds[n%len(feeds)].Send(ctx, transcript.Hypothesis{Utterance: uint64(k/3 + 1), Final: k%3 == 2, Text: benchTexts[k%3]})
			}
		}
	}()
	f, _ := e.bus.Open(pipeline.Room{ID: "probe"}, "text-1", pipeline.FeedOptions{})
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for n := range b.N {
		t0 := time.Now()
		got, err := f.Scan(ctx, []transcript.Hypothesis{{Utterance: uint64(n + 1), Final: true, Text: "this cream cures diabetes"}})
		if err != nil || len(got) == 0 {
			b.Fatalf("utterance %d: %v alerts, %v", n, len(got), err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	stop()
	<-done
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
}
