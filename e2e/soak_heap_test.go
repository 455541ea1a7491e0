package e2e

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"testing"
	"time"
)

// soakProfileRate is the heap profile's sampling rate during a soak: fine
// enough (16 KB instead of 512 KB) that the split of the live heap by who
// allocated it is within a few percent, cheap enough for a long run.
const soakProfileRate = 16 << 10

// soakSample is the process after a collection. The soak runs the whole
// service in-process, the embedded nats-server included, so the live heap
// is split by who allocated it (the runtime's heap profile, unsampled the
// way pprof does):
//
//   - natsCache: nats-server's message block buffers (file store caches,
//     4-8 MB each, sized by the streams' block sizes, dropped 10 s after a
//     block was last used, and their sync.Pool). They come and go in
//     steps of megabytes with which blocks a consumer or a KV read touched
//     lately: bounded by the number of streams, and the noise that hid any
//     slow growth of the rest.
//   - natsOther: the rest of nats-server: per-subject indexes of streams
//     and buckets (one entry per KV key, e.g. the per-alert keys of cases
//     and the trust ledger, until their TTL), dedup windows, consumers.
//   - own: everything else, earshot and its libraries (bleve, nats.go).
type soakSample struct {
	at         time.Duration
	goroutines int
	heap       uint64 // live heap after a collection (HeapAlloc)
	natsCache  uint64
	natsOther  uint64
	alerts     uint64 // alerts stored so far
}

func (s soakSample) own() uint64 {
	return s.heap - min(s.heap, s.natsCache+s.natsOther)
}

// sampleProcess measures after a collection and, when dir is set
// (EARSHOT_SOAK_PROFILES), writes the heap profile of this moment to
// dir/heap-NNN.pb.gz, so `go tool pprof -base` can tell what grew.
func sampleProcess(t *testing.T, start time.Time, dir string, n int, alerts uint64) soakSample {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s := soakSample{at: time.Since(start), goroutines: runtime.NumGoroutine(), heap: ms.HeapAlloc, alerts: alerts}
	s.natsCache, s.natsOther = natsHeap()
	if dir != "" {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("heap-%03d.pb.gz", n)))
		if err == nil {
			err = pprof.Lookup("heap").WriteTo(f, 0)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			t.Errorf("writing heap profile: %v", err)
		}
	}
	t.Logf("sample %d at %v: goroutines %d, live heap %.1f MB (nats-server block caches %.1f, rest of nats-server %.1f, earshot and libraries %.1f), %d alerts",
		n, s.at.Round(time.Second), s.goroutines, mb(s.heap), mb(s.natsCache), mb(s.natsOther), mb(s.own()), alerts)
	return s
}

// natsHeap estimates the live bytes nats-server allocated, its message
// block buffers apart, from the heap profile as of the last collection.
func natsHeap() (cache, other uint64) {
	var recs []runtime.MemProfileRecord
	n, _ := runtime.MemProfile(nil, false)
	for {
		recs = make([]runtime.MemProfileRecord, n+64)
		var ok bool
		if n, ok = runtime.MemProfile(recs, false); ok {
			recs = recs[:n]
			break
		}
	}
	rate := float64(runtime.MemProfileRate)
	var c, o float64
	for _, r := range recs {
		if r.InUseBytes() <= 0 || r.AllocObjects == 0 {
			continue
		}
		// A sampled object of average size s stands for 1/(1-e^(-s/rate))
		// of its kind (pprof's unsampling of heap profiles).
		avg := float64(r.AllocBytes) / float64(r.AllocObjects)
		v := float64(r.InUseBytes()) / (1 - math.Exp(-avg/rate))
		switch natsSite(r.Stack()) {
		case "cache":
			c += v
		case "other":
			o += v
		}
	}
	return uint64(c), uint64(o)
}

// natsSite says whether an allocation stack is a nats-server message block
// buffer ("cache"), another nats-server allocation ("other": its innermost
// frame outside the runtime and the standard library is nats-server's), or
// neither ("").
func natsSite(stack []uintptr) string {
	frames := runtime.CallersFrames(stack)
	owner := ""
	for {
		f, more := frames.Next()
		if strings.Contains(f.Function, "nats-server/v2/server.getMsgBlockBuf") {
			return "cache"
		}
		if owner == "" && !stdFunc(f.Function) {
			owner = f.Function
		}
		if !more {
			break
		}
	}
	if strings.HasPrefix(owner, "github.com/nats-io/nats-server/") {
		return "other"
	}
	return ""
}

// stdFunc: a function of the runtime or the standard library (no dot in
// its import path's first element).
func stdFunc(fn string) bool {
	first, _, _ := strings.Cut(fn, "/")
	return fn == "" || !strings.Contains(first, ".") || strings.HasPrefix(fn, "runtime.")
}

func mb(b uint64) float64 { return float64(b) / 1e6 }

// slope is the growth of y per minute over the samples, Theil-Sen: the
// median of the slopes between every two samples at least a minute apart.
// Unlike a least-squares fit, it is not moved by the few samples taken in
// the middle of a burst (a bleve merge, a batch of alerts in flight).
func slope(s []soakSample, y func(soakSample) float64) float64 {
	var v []float64
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if dt := (s[j].at - s[i].at).Minutes(); dt >= 1 {
				v = append(v, (y(s[j])-y(s[i]))/dt)
			}
		}
	}
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	return v[len(v)/2]
}

func median[T int | uint64](s []soakSample, f func(soakSample) T) T {
	v := make([]T, len(s))
	for i, x := range s {
		v[i] = f(x)
	}
	slices.Sort(v)
	return v[len(v)/2]
}

// soakVerdict: past the warm-up (the first third: sessions, tables, the
// streams' dedup windows of 2 minutes, the transcript store's first
// segments), goroutines stay flat, the heap of earshot and its libraries
// grows by no more than a small slope, nats-server's own structures grow by
// no more than its per-key indexes of the alerts' KV keys (which expire
// with them), and its block caches stay within what the streams' blocks
// can hold. The slopes are judged on runs whose span after the warm-up is
// at least 5 minutes (`make soak`); shorter runs (the suite's) compare
// medians only.
func soakVerdict(t *testing.T, rooms int, dur time.Duration, samples []soakSample, alerts uint64, streams int) {
	t.Helper()
	var post []soakSample
	for _, s := range samples {
		if s.at >= dur/3 {
			post = append(post, s)
		}
	}
	if len(post) < 4 {
		t.Fatalf("%d samples after the warm-up: too few to judge", len(post))
	}
	q := max(len(post)/4, 1)
	early, late := post[:q], post[len(post)-q:]
	g := func(s soakSample) int { return s.goroutines }
	own := func(s soakSample) uint64 { return s.own() }
	total := func(s soakSample) uint64 { return s.heap }
	cache := func(s soakSample) uint64 { return s.natsCache }
	g0, g1 := median(early, g), median(late, g)
	o0, o1 := median(early, own), median(late, own)
	h0, h1 := median(early, total), median(late, total)
	ownSlope := slope(post, func(s soakSample) float64 { return mb(s.own()) })
	natsSlope := slope(post, func(s soakSample) float64 { return mb(s.natsOther) })
	alertSlope := slope(post, func(s soakSample) float64 { return float64(s.alerts) })
	perAlert := 0.0
	if alertSlope > 0 {
		perAlert = natsSlope * 1e6 / alertSlope
	}
	maxCache := slices.MaxFunc(post, func(a, b soakSample) int { return int(a.natsCache) - int(b.natsCache) }).natsCache
	t.Logf("%d rooms for %v, %d alerts; after the warm-up (%v): goroutines %d -> %d; earshot and libraries %.1f -> %.1f MB, slope %+.3f MB/min; "+
		"nats-server outside block caches %+.3f MB/min (%.0f B per stored alert); nats-server block caches %.1f -> %.1f MB (at most %.1f, %d streams); "+
		"whole live heap %.1f -> %.1f MB, slope %+.3f MB/min",
		rooms, dur, alerts, (dur / 3).Round(time.Second), g0, g1, mb(o0), mb(o1), ownSlope, natsSlope, perAlert,
		mb(median(early, cache)), mb(median(late, cache)), mb(maxCache), streams,
		mb(h0), mb(h1), slope(post, func(s soakSample) float64 { return mb(s.heap) }))
	if g1 > g0+g0/20+10 {
		t.Errorf("goroutines grew from %d to %d", g0, g1)
	}
	if o1 > o0+o0/4+4<<20 {
		t.Errorf("the heap of earshot and its libraries grew from %.1f to %.1f MB", mb(o0), mb(o1))
	}
	// A block cache holds one block of a stream (8 MB at most, the size
	// nats-server gives every stream and bucket with a MaxBytes of 32 MB
	// or more): a stream's last block while written, and the blocks reads
	// touched within the last 10 s.
	if limit := uint64(streams) * 2 * 8 << 20; maxCache > limit {
		t.Errorf("nats-server's block caches reached %.1f MB, more than two 8 MB blocks for each of %d streams", mb(maxCache), streams)
	}
	if post[len(post)-1].at-post[0].at < 5*time.Minute {
		return
	}
	// 0.05 MB/min plus a sixtieth of the heap per minute: a growth that
	// would double it within the hour fails (the trust ledger's old cache
	// at 500 rooms, +0.45 MB/min on 30 MB, came close), while bleve's
	// in-memory share of a transcript index that grows all day, and the
	// split's own noise, pass.
	if limit := 0.05 + mb(o0)/60; ownSlope > limit {
		t.Errorf("the heap of earshot and its libraries grows %.3f MB/min after the warm-up (bound %.3f)", ownSlope, limit)
	}
	if perAlert > 1000 {
		t.Errorf("nats-server's structures grow %.0f bytes per stored alert (bound 1000: an index entry for each per-alert KV key)", perAlert)
	}
}
