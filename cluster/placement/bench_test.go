package placement

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

// BenchmarkRoomTakeover measures room failover with the service's
// settings (claim TTL 3 s, intake cap 20 rooms/s in bursts of 5): two
// ingest workers on one embedded server share 20 pulled rooms, one dies
// without releasing anything, and the survivor must pull its rooms. Per
// op (a fresh server each): takeover-s is the kill to the last room live
// again on the survivor (mean over ops; takeover-max-s the slowest),
// moved-rooms how many rooms the dead worker had.
func BenchmarkRoomTakeover(b *testing.B) {
	var took []time.Duration
	moved := 0
	for range b.N {
		b.StopTimer()
		srv := natstest.Start(b, "")
		var ids []string
		for i := range 20 {
			ids = append(ids, fmt.Sprintf("room%02d", i))
		}
		x, y := startWorker(b, srv, "a"), startWorker(b, srv, "b")
		x.add(b, ids)
		y.add(b, ids)
		testutil.WaitFor(b, 30*time.Second, "every room live on exactly one worker", func() bool {
			lx, ly := x.live(), y.live()
			for _, id := range ids {
				if lx[id] == ly[id] {
					return false
				}
			}
			return true
		})
		moved += len(x.live())
		b.StartTimer()
		killed := time.Now()
		x.pl.stop()
		x.nc.Close()
		testutil.WaitFor(b, 30*time.Second, "every room live on b", func() bool { return len(y.live()) == len(ids) })
		took = append(took, time.Since(killed))
		b.StopTimer()
		x.reg.Close()
		y.reg.Close()
		y.pl.Close(context.Background())
	}
	var sum time.Duration
	for _, d := range took {
		sum += d
	}
	b.ReportMetric(sum.Seconds()/float64(len(took)), "takeover-s")
	b.ReportMetric(slices.Max(took).Seconds(), "takeover-max-s")
	b.ReportMetric(float64(moved)/float64(b.N), "moved-rooms")
}

// BenchmarkRebalanceOnJoin measures rebalancing with the service's
// settings (handovers capped at 2 rooms/s, started at a difference of 3):
// 20 pulled rooms live on one worker, a second joins. Per op (a fresh
// server each): rebalance-s is the join to every room live on one worker
// and the two within two rooms of even (mean; rebalance-max-s the
// slowest), moved-rooms how many rooms moved.
func BenchmarkRebalanceOnJoin(b *testing.B) {
	var took []time.Duration
	moved := 0
	ids := roomIDs(20)
	for range b.N {
		b.StopTimer()
		srv := natstest.Start(b, "")
		ps := &pulls{}
		x := startRecorded(b, srv, "a", ps, nil)
		x.add(b, ids)
		testutil.WaitFor(b, 30*time.Second, "every room live on a", func() bool { return len(x.live()) == len(ids) })
		b.StartTimer()
		joined := time.Now()
		y := startRecorded(b, srv, "b", ps, nil)
		y.add(b, ids)
		testutil.WaitFor(b, 60*time.Second, "the rooms spread", func() bool {
			lx, ly := x.live(), y.live()
			for _, id := range ids {
				if lx[id] == ly[id] {
					return false
				}
			}
			return abs(len(lx)-len(ly)) <= 2
		})
		took = append(took, time.Since(joined))
		b.StopTimer()
		moved += len(y.live())
	}
	var sum time.Duration
	for _, d := range took {
		sum += d
	}
	b.ReportMetric(sum.Seconds()/float64(len(took)), "rebalance-s")
	b.ReportMetric(slices.Max(took).Seconds(), "rebalance-max-s")
	b.ReportMetric(float64(moved)/float64(b.N), "moved-rooms")
}
