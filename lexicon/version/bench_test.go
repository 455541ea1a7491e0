package version

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/lexicon/defaults"
)

// BenchmarkPublishToActive3Workers publishes the shipped default lexicon
// (~300 KB, renamed each time) and waits until three watchers, each on its
// own NATS connection like three worker processes, have compiled and
// swapped it in. It reports p50/p99 of publish-call-start to active over
// all watchers (validation and compile on the publisher included).
func BenchmarkPublishToActive3Workers(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ns := startNATS(b)
	s := openStore(b, ns)
	if _, err := s.Bootstrap(ctx, "default.yaml", defaults.YAML()); err != nil {
		b.Fatal(err)
	}
	const workers = 3
	swaps := make(chan swap, 64)
	for w := range workers {
		_, err := Watch(ctx, openStore(b, ns).KV(), WatchOptions{Logger: testutil.Quiet(), Keys: testKeys, OnSwap: func(v Version, _ time.Duration) {
			swaps <- swap{worker: w, version: v.Number, at: time.Now()}
		}})
		if err != nil {
			b.Fatal(err)
		}
	}
	drain(swaps)
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		y := bytes.Replace(defaults.YAML(), []byte("name: default"), []byte(fmt.Sprintf("name: default-%d", i)), 1)
		start := time.Now()
		v, err := s.Publish(ctx, Draft{YAML: y, Author: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		for got := 0; got < workers; {
			sw := <-swaps
			if sw.version == v.Number {
				lat = append(lat, sw.at.Sub(start))
				got++
			}
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(pct(lat, 50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(pct(lat, 99).Microseconds())/1000, "p99-ms")
}

type swap struct {
	worker, version int
	at              time.Time
}

func drain(ch chan swap) {
	for {
		select {
		case <-ch:
		case <-time.After(200 * time.Millisecond):
			return
		}
	}
}

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[(len(sorted)-1)*p/100]
}
