//go:build unix

package whip

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/internal/testaudio"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/pion/webrtc/v4"
)

// BenchmarkSessions publishes the tone from n in-process pion clients at
// once, one 20 ms packet per client per iteration, paced in real time.
// CPU covers clients and server in this process; latency is RTP packet
// read (after SRTP) to the chunk reaching emit.
func BenchmarkSessions(b *testing.B) {
	for _, n := range []int{10, 100} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchSessions(b, n) })
	}
}

func benchSessions(b *testing.B, n int) {
	var mu sync.Mutex
	var lat []time.Duration
	ts := newTestServer(b, func(c *Config) {
		c.latency = func(d time.Duration) { mu.Lock(); lat = append(lat, d); mu.Unlock() }
	})
	pkts := testaudio.OggPackets(b, "testdata/tone440.ogg")
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	clients := make([]*client, n)
	var runs sync.WaitGroup
	for i := range clients {
		clients[i] = newClient(b)
		clients[i].publish(b, ts.URL+fmt.Sprintf("/whip/room%d", i))
		sess := ts.nextSession(b)
		runs.Add(1)
		go func() { defer runs.Done(); _ = sess.Run(context.Background(), func(ingest.Chunk) error { return nil }) }()
	}
	testutil.WaitFor(b, 30*time.Second, "every client connected (ICE and DTLS done)", func() bool {
		for _, c := range clients {
			if c.pc.ConnectionState() != webrtc.PeerConnectionStateConnected {
				return false
			}
		}
		return true
	})
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	mu.Lock()
	lat = lat[:0]
	mu.Unlock()
	cpu0 := cpuTime()
	b.ResetTimer()
	tick := time.NewTicker(20 * time.Millisecond)
	for i := 0; i < b.N; i++ {
		<-tick.C
		for _, c := range clients {
			_ = c.track.WriteSample(pkts[i%len(pkts)])
		}
	}
	tick.Stop()
	time.Sleep(100 * time.Millisecond) // pacing, not waiting: the window in which the last packets' latency still counts
	b.StopTimer()
	cpu := cpuTime() - cpu0
	audio := time.Duration(b.N) * 20 * time.Millisecond
	for _, c := range clients {
		c.close()
	}
	runs.Wait()
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
		b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	}
	b.ReportMetric(float64(cpu)/float64(audio)/float64(n)*100, "cpu%/session")
	b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/float64(n)/1024, "heapKB/session")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
