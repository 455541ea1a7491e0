package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
)

var (
	enWords = strings.Fields("hello everyone welcome back cream sweater cotton price today best world " +
		"cures diabetes wechat discount order click cart ship free return colors soft lovely doctors " +
		"recommend money bank account lowest ever side effects skin serum bottle gift")
	zhWords = []string{"大家好", "欢迎", "面霜", "全网", "最低价", "加我", "威信", "私聊", "优惠", "包邮",
		"今天", "效果", "很好", "第一", "下单", "链接", "库存", "颜色", "尺码", "发货"}
)

// genRecord makes utterance i of a synthetic broadcast log: 40 rooms,
// two thirds English, a tenth with a rule hit, spread over three days.
func genRecord(r *rand.Rand, i int, start time.Time) Record {
	words, sep := enWords, " "
	if i%3 == 0 {
		words, sep = zhWords, ""
	}
	n := 6 + r.IntN(10)
	parts := make([]string, n)
	for k := range parts {
		parts[k] = words[r.IntN(len(words))]
	}
	rec := Record{Room: fmt.Sprintf("room-%02d", i%40), Anchor: fmt.Sprintf("anchor-%02d", i%40),
		Session: "bench", Utterance: uint64(i), At: start.Add(time.Duration(i) * 2 * time.Second),
		StartMs: int64(i) * 2000, EndMs: int64(i)*2000 + 1800, Text: strings.Join(parts, sep)}
	if i%10 == 0 {
		rec.Hits = []RecordHit{{RuleID: "rule-" + strconv.Itoa(i%7), Category: []string{"private-goods",
			"medical-claim", "absolute-claim"}[i%3], Severity: "high"}}
	}
	return rec
}

// BenchmarkIndex measures batched indexing through Add and Flush.
func BenchmarkIndex(b *testing.B) {
	s, err := Open(Options{Dir: b.TempDir(), Logger: testutil.Quiet(), QueueSize: 1 << 16})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close(context.Background())
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Now().Add(-time.Hour)
	b.ResetTimer()
	t0 := time.Now()
	for i := 0; i < b.N; i++ {
		s.Add(genRecord(r, i, start))
		if i%(1<<15) == 0 {
			_ = s.Flush(context.Background()) // keep the queue from overflowing
		}
	}
	if err := s.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "utterances/s")
	if st := s.Stats(); st.Dropped > 0 {
		b.Fatalf("dropped %d", st.Dropped)
	}
}

// BenchmarkSearch fills a store with EARSHOT_BENCH_N utterances (default
// 100000) once, then measures search latency over a mix of queries.
func BenchmarkSearch(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("EARSHOT_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	s, err := Open(Options{Dir: b.TempDir(), Logger: testutil.Quiet(), QueueSize: 1 << 16, BatchSize: 2048})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close(context.Background())
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Now().Add(-time.Duration(n) * 2 * time.Second)
	t0 := time.Now()
	for i := 0; i < n; i++ {
		s.Add(genRecord(r, i, start))
		if i%(1<<15) == 0 {
			_ = s.Flush(context.Background())
		}
	}
	if err := s.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Logf("indexed %d utterances in %v (%.0f/s), %d partitions", n, time.Since(t0),
		float64(n)/time.Since(t0).Seconds(), len(s.Partitions()))
	queries := []Query{
		{Text: "cream"}, {Text: `"lowest price"`}, {Text: "weixin"}, {Text: "全网最低价"},
		{Text: "diabetis~1"}, {Text: "cream", Rooms: []string{"room-07"}},
		{Categories: []string{"private-goods"}, Sort: SortTimeDesc},
		{Text: "bank account", Offset: 100, Size: 50},
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q0 := time.Now()
		if _, err := s.Search(context.Background(), queries[i%len(queries)]); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(q0))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(n), "stored")
}

// BenchmarkCostlyQuery runs the probe's 399-byte wildcard query and four
// broad wildcards over EARSHOT_BENCH_N generated utterances (default
// 100000), without the search limits ("unlimited", as before they
// existed) and with the defaults ("limited": refused by form, or
// cancelled at the 5 s budget). Run with -benchtime=1x: unlimited takes
// seconds an operation.
func BenchmarkCostlyQuery(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("EARSHOT_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	s := bigStore(b, n, SearchLimits{})
	limited := s.opts.Search
	unlimited := SearchLimits{MaxConcurrent: 64, Timeout: time.Hour, MaxTerms: 1 << 30, MaxExpanding: 1 << 30}
	for _, q := range []struct{ name, text string }{{"probe", costlyQuery}, {"broad", "ev* be* cr* wo*"}} {
		for _, l := range []struct {
			name string
			lim  SearchLimits
		}{{"unlimited", unlimited}, {"limited", limited}} {
			b.Run(q.name+"/"+l.name, func(b *testing.B) {
				s.opts.Search = l.lim
				var refused int
				for b.Loop() {
					if _, err := s.Search(context.Background(), Query{Text: q.text}); err != nil {
						var ce *CostError
						if !errors.As(err, &ce) && !errors.Is(err, ErrBudget) {
							b.Fatal(err)
						}
						refused++
					}
				}
				b.ReportMetric(float64(refused), "refused")
			})
		}
	}
	s.opts.Search = limited
}

// BenchmarkVerify measures the background checksum pass over one partition
// of 20000 utterances (what Open starts on every partition): MB/s of
// segment bytes read and checked.
func BenchmarkVerify(b *testing.B) {
	dir := b.TempDir()
	s, err := Open(Options{Dir: dir, Logger: testutil.Quiet(), QueueSize: 1 << 16, BatchSize: 2048})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close(context.Background())
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Now().UTC().Truncate(24 * time.Hour)
	for i := 0; i < 20000; i++ {
		rec := genRecord(r, i, start)
		rec.At = start.Add(time.Duration(i) * time.Second) // one day, one partition
		s.Add(rec)
	}
	if err := s.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	p := s.parts[s.Partitions()[0]]
	var size int64
	zaps, _ := filepath.Glob(filepath.Join(dir, "*", "store", "*.zap"))
	for _, z := range zaps {
		if fi, err := os.Stat(z); err == nil {
			size += fi.Size()
		}
	}
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := verify(context.Background(), p.bleveIndex); err != nil {
			b.Fatal(err)
		}
	}
}
