package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testdisk"
	"github.com/earshot/earshot/internal/testutil"
)

// damage is one way a partition's files go bad at rest.
type damage struct {
	name string
	// quarantine: the partition must be moved aside; otherwise it must be
	// served unchanged.
	quarantine bool
	do         func(t *testing.T, part string)
}

func damages() []damage {
	zap := func(t *testing.T, part string) string {
		t.Helper()
		zs, _ := filepath.Glob(filepath.Join(part, "store", "*.zap"))
		if len(zs) == 0 {
			t.Fatal("no segment to damage")
		}
		return zs[0]
	}
	flip := func(at func(size int) int) func(t *testing.T, part string) {
		return func(t *testing.T, part string) {
			testdisk.Rewrite(t, zap(t, part), testdisk.Flip(at))
		}
	}
	return []damage{
		{"byte flipped in a segment's middle", true, flip(func(n int) int { return n / 2 })},
		{"byte flipped in a segment's footer", true, flip(func(n int) int { return n - 40 })},
		{"byte flipped in a segment's first bytes", true, flip(func(int) int { return 3 })},
		{"segment truncated", true, func(t *testing.T, part string) {
			testdisk.TruncateHalf(t, zap(t, part))
		}},
		{"segment replaced by garbage", true, func(t *testing.T, part string) {
			testdisk.Rewrite(t, zap(t, part), func(b []byte) []byte { return testdisk.Garbage(len(b)) })
		}},
		{"segment removed", true, func(t *testing.T, part string) {
			if err := os.Remove(zap(t, part)); err != nil {
				t.Fatal(err)
			}
		}},
		{"root.bolt replaced by garbage", true, func(t *testing.T, part string) {
			testdisk.Rewrite(t, filepath.Join(part, "store", "root.bolt"), func(b []byte) []byte { return testdisk.Garbage(len(b)) })
		}},
		{"root.bolt truncated", true, func(t *testing.T, part string) {
			if err := os.Truncate(filepath.Join(part, "store", "root.bolt"), 100); err != nil {
				t.Fatal(err)
			}
		}},
		{"index_meta.json garbled", true, func(t *testing.T, part string) {
			testdisk.Rewrite(t, filepath.Join(part, "index_meta.json"), func([]byte) []byte { return []byte(`{"storage":`) })
		}},
		{"a stray file beside the segments", false, func(t *testing.T, part string) {
			writeStray(t, filepath.Join(part, "store", "notes.txt"))
		}},
		{"a stray file beside the partitions", false, func(t *testing.T, part string) {
			writeStray(t, filepath.Join(filepath.Dir(part), "2026-03-10.bak"))
		}},
	}
}

// TestDamagedPartitionQuarantined: whatever happened to a partition's files,
// the store opens, moves the partition aside (reported by Quarantined and
// Stats), keeps the other days, and takes new records for the damaged day in
// a new partition. Harmless strays change nothing.
func TestDamagedPartitionQuarantined(t *testing.T) {
	for _, d := range damages() {
		t.Run(d.name, func(t *testing.T) {
			dir := t.TempDir()
			s := openTest(t, dir, Options{})
			for i := 0; i < 300; i++ {
				s.Add(rec("r1", uint64(i), base, fmt.Sprintf("utterance %d cures diabetes", i)))
			}
			s.Add(rec("r2", 1, base.Add(-24*time.Hour), "the day before"))
			if err := s.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			d.do(t, filepath.Join(dir, "2026-03-10"))

			s2 := openTest(t, dir, Options{})
			ctx := context.Background()
			if !d.quarantine {
				if n := len(countIDs(t, s2)); n != 301 {
					t.Errorf("%d records, want 301", n)
				}
				if q := s2.Quarantined(); len(q) != 0 {
					t.Errorf("quarantined %+v", q)
				}
				return
			}
			testutil.Eventually(t, 10*time.Second, func() error {
				if q := s2.Quarantined(); len(q) != 1 {
					return fmt.Errorf("quarantined %+v", q)
				}
				return nil
			})
			q := s2.Quarantined()[0]
			if q.Partition != "2026-03-10" || !strings.HasPrefix(filepath.Base(q.Path), "2026-03-10.quarantined-") || q.Reason == "" {
				t.Errorf("quarantine record %+v", q)
			}
			if _, err := os.Stat(q.Path); err != nil {
				t.Errorf("quarantined files gone: %v", err)
			}
			if st := s2.Stats(); st.Quarantined != 1 {
				t.Errorf("stats %+v", st)
			}
			s2.Add(rec("r1", 1000, base, "after the damage, lowest price ever"))
			if err := s2.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if err := s2.Ready(ctx); err != nil {
				t.Errorf("Ready: %v", err)
			}
			res, err := s2.Search(ctx, Query{Text: "lowest", Size: 10})
			if err != nil || res.Total != 1 {
				t.Fatalf("search after quarantine: %+v %v", res, err)
			}
			if n := len(countIDs(t, s2)); n != 2 { // the day before, and the new record
				t.Errorf("%d records after quarantine, want 2", n)
			}
			// A restart still lists the quarantine, and opens cleanly.
			if err := s2.Close(ctx); err != nil {
				t.Fatal(err)
			}
			s3 := openTest(t, dir, Options{})
			if q := s3.Quarantined(); len(q) != 1 || q[0].Path != s2.Quarantined()[0].Path {
				t.Errorf("after restart: quarantined %+v", q)
			}
			if n := len(countIDs(t, s3)); n != 2 {
				t.Errorf("after restart: %d records, want 2", n)
			}
		})
	}
}

func writeStray(t *testing.T, p string) {
	t.Helper()
	if err := os.WriteFile(p, testdisk.Garbage(4096), 0o600); err != nil {
		t.Fatal(err)
	}
}
