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

// slope is the least-squares growth of y per minute over the samples.
func slope(s []soakSample, y func(soakSample) float64) float64 {
	var n, sx, sy, sxx, sxy float64
	for _, x := range s {
		m := x.at.Minutes()
		n, sx, sy, sxx, sxy = n+1, sx+m, sy+y(x), sxx+m*m, sxy+m*y(x)
	}
	if d := n*sxx - sx*sx; n >= 2 && d > 0 {
		return (n*sxy - sx*sy) / d
	}
	return 0
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
// segments), goroutines stay flat and the heap of earshot and its
// libraries grows by no more than a bounded slope.
func soakVerdict(t *testing.T, rooms int, dur time.Duration, samples []soakSample, alerts uint64) {
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
	q := len(post) / 4
	early, late := post[:max(q, 1)], post[len(post)-max(q, 1):]
	g := func(s soakSample) int { return s.goroutines }
	own := func(s soakSample) uint64 { return s.own() }
	total := func(s soakSample) uint64 { return s.heap }
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
	t.Logf("%d rooms for %v, %d alerts; after the warm-up (%v): goroutines %d -> %d; earshot and libraries %.1f -> %.1f MB, slope %+.3f MB/min; "+
		"nats-server outside block caches slope %+.3f MB/min (%.0f B per stored alert); whole live heap %.1f -> %.1f MB, slope %+.3f MB/min",
		rooms, dur, alerts, (dur / 3).Round(time.Second), g0, g1, mb(o0), mb(o1), ownSlope, natsSlope, perAlert,
		mb(h0), mb(h1), slope(post, func(s soakSample) float64 { return mb(s.heap) }))
	if g1 > g0+g0/20+10 {
		t.Errorf("goroutines grew from %d to %d", g0, g1)
	}
	if h1 > h0+h0/2+8<<20 {
		t.Errorf("live heap grew from %d to %d bytes", h0, h1)
	}
}
