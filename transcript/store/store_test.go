package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
)

func TestRestartKeepsRecords(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, Options{})
	addAll(t, s, corpus()...)
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	s2 := openTest(t, dir, Options{})
	res, err := s2.Search(context.Background(), Query{Text: "weixin"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || res.Hits[0].Text != "加我威信，全网最低价" || len(res.Hits[0].Hits) != 2 {
		t.Fatalf("after restart: %+v", res.Hits)
	}
	if got := s2.Partitions(); !slices.Equal(got, []string{"2026-03-09", "2026-03-10"}) {
		t.Errorf("partitions %v", got)
	}
}

func TestRetentionDropsPartition(t *testing.T) {
	dir := t.TempDir()
	var now atomic.Int64
	now.Store(base.UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()).UTC() }
	s := openTest(t, dir, Options{Retention: 48 * time.Hour, RetentionEvery: 10 * time.Millisecond, Now: clock})
	old := rec("r9", 1, base.Add(-72*time.Hour), "far too old to keep")
	addAll(t, s, append(corpus(), old)...)
	if st := s.Stats(); st.Expired != 1 || st.Indexed != 8 {
		t.Errorf("stats %+v: want 1 expired on arrival, 8 indexed", st)
	}
	// Two days later the 2026-03-09 partition is entirely older than 48 h.
	now.Store(base.Add(49 * time.Hour).UnixNano())
	testutil.Eventually(t, 10*time.Second, func() error {
		if p := s.Partitions(); slices.Contains(p, "2026-03-09") {
			return fmt.Errorf("partition 2026-03-09 not dropped: %v", p)
		}
		return nil
	})
	if _, err := os.Stat(filepath.Join(dir, "2026-03-09")); !os.IsNotExist(err) {
		t.Errorf("dropped partition still on disk: %v", err)
	}
	res, err := s.Search(context.Background(), Query{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 6 {
		t.Errorf("after retention %d records, want the 6 of 2026-03-10", res.Total)
	}
}

func TestScanGetAround(t *testing.T) {
	s := openTest(t, t.TempDir(), Options{BatchSize: 3})
	addAll(t, s, corpus()...)
	ctx := context.Background()
	var got []string
	err := s.Scan(ctx, time.Time{}, time.Time{}, func(r Record) error {
		got = append(got, r.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"r3.s1.1", "r3.s1.2", "r1.s1.1", "r1.s1.2", "r1.s1.3", "r2.s1.1", "r2.s1.2", "r2.s1.3"}
	if !slices.Equal(got, want) {
		t.Errorf("scan order %v, want %v", got, want)
	}
	stop := errors.New("stop")
	n := 0
	err = s.Scan(ctx, base, base.Add(time.Hour), func(Record) error {
		if n++; n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 2 {
		t.Errorf("scan must stop at fn's error: %v after %d", err, n)
	}
	r, err := s.Get(ctx, "r2.s1.1")
	if err != nil || r.Room != "r2" || r.Hits[0].RuleID != "pg-weixin" {
		t.Fatalf("get: %+v %v", r, err)
	}
	if _, err := s.Get(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("get unknown: %v", err)
	}
	around, err := s.Around(ctx, "r1", base.Add(time.Minute), 30*time.Second, 90*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if ids := recordIDs(around); !slices.Equal(ids, []string{"r1.s1.2", "r1.s1.3"}) {
		t.Errorf("around %v", ids)
	}
	if ok, _ := s.HasRoom(ctx, "r3"); !ok {
		t.Error("HasRoom(r3) false")
	}
	if ok, _ := s.HasRoom(ctx, "zz"); ok {
		t.Error("HasRoom(zz) true")
	}
}

func recordIDs(rs []Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func TestAddAfterCloseIsCounted(t *testing.T) {
	s := openTest(t, t.TempDir(), Options{})
	addAll(t, s, corpus()[:2]...)
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.Add(corpus()[2])
	if st := s.Stats(); st.Dropped != 1 || st.Indexed != 2 {
		t.Errorf("stats %+v", st)
	}
	if err := s.Flush(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("flush after close: %v", err)
	}
	if _, err := s.Search(context.Background(), Query{}); !errors.Is(err, ErrClosed) {
		t.Errorf("search after close: %v", err)
	}
}

func TestCloseIndexesQueued(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, Options{BatchEvery: time.Hour, BatchSize: 1000})
	for _, r := range corpus() {
		s.Add(r)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	s2 := openTest(t, dir, Options{})
	res, err := s2.Search(context.Background(), Query{})
	if err != nil || res.Total != 8 {
		t.Fatalf("queued records lost at close: total %d, %v", res.Total, err)
	}
}
