package search

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/earshot/earshot/transcript/store"
)

// BenchmarkSearch measures, side by side in one run, one store searched
// directly against the same records spread over 1 and 3 index nodes and
// searched through the fan-out (NATS request-reply, merge), first pages
// and a deep page (query then fetch), reporting p50 and p99.
func BenchmarkSearch(b *testing.B) {
	const records = 3000
	queries := map[string]store.Query{
		"first-page": {Text: "wechat", Size: 20},
		"deep-page":  {Text: "number", Sort: store.SortTimeDesc, Size: 20, Offset: 400},
	}
	for _, nodes := range []int{1, 3} {
		c := newCluster(b, nodes, records)
		for name, q := range queries {
			if nodes == 1 {
				b.Run(fmt.Sprintf("%s/store", name), func(b *testing.B) {
					run(b, func() error { _, err := c.whole.Search(context.Background(), q); return err })
				})
			}
			b.Run(fmt.Sprintf("%s/fanout-%d", name, nodes), func(b *testing.B) {
				run(b, func() error { _, err := c.fan.Search(context.Background(), q); return err })
			})
		}
	}
}

func run(b *testing.B, search func() error) {
	var lat []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		t := time.Now()
		if err := search(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
