package sphinx

import (
	"bufio"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/internal/tts"
)

// BenchmarkDecode reports the real-time factor of free-text decoding:
// decode time over audio time, partials and final with n-best included.
func BenchmarkDecode(b *testing.B) {
	skipWithoutModel(b)
	r, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	pcm := speak(b, tts.FliteSLT, strings.Join(sentences, " "))
	var spent time.Duration
	for b.Loop() {
		t0 := time.Now()
		recognize(b, r, pcm)
		spent += time.Since(t0)
	}
	b.ReportMetric(spent.Seconds()/(float64(b.N)*tts.Duration(len(pcm)).Seconds()), "rtf")
}

// BenchmarkNewStream measures opening a stream without the idle pool: the
// time to create a decoder and the resident memory each one adds.
func BenchmarkNewStream(b *testing.B) {
	skipWithoutModel(b)
	r, err := New(Config{MaxIdle: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	emit := (&testdouble.Collector{}).Emit
	before := rssMB(b)
	var streams []interface{ Close() error }
	for b.Loop() {
		s, err := r.Open(context.Background(), emit)
		if err != nil {
			b.Fatal(err)
		}
		streams = append(streams, s)
	}
	b.ReportMetric((rssMB(b)-before)/float64(len(streams)), "MB/stream")
	for _, s := range streams {
		_ = s.Close()
	}
}

// BenchmarkPooledStream measures opening a stream whose decoder comes from
// the idle pool.
func BenchmarkPooledStream(b *testing.B) {
	skipWithoutModel(b)
	r, err := New(Config{MaxIdle: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	emit := (&testdouble.Collector{}).Emit
	for b.Loop() {
		s, err := r.Open(context.Background(), emit)
		if err != nil {
			b.Fatal(err)
		}
		_ = s.Close()
	}
}

// rssMB is this process's resident set size.
func rssMB(tb testing.TB) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		tb.Skip("no /proc:", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.Fields(rest)[0], 64)
			return kb / 1024
		}
	}
	tb.Skip("no VmRSS")
	return 0
}
