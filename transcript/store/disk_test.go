package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testdisk"
	"github.com/earshot/earshot/internal/testutil"
)

// TestDiskFullKeepsRecordsAndRecovers fills the store's file system while
// records arrive: nothing panics, Flush and Ready name the problem, and once
// space is back every record is written (exactly once) without a restart.
// With MinFree 1 the store does not see it coming and bleve itself runs
// into ENOSPC halfway through a segment.
func TestDiskFullKeepsRecordsAndRecovers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		minFree uint64
		leave   int64
	}{
		{"refused before bleve", 1 << 20, 0},
		{"bleve runs out", 1, 48 << 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := testdisk.Tmpfs(t, 16<<20)
			s := openTest(t, dir, Options{MinFree: tc.minFree, RetryEvery: 20 * time.Millisecond, RetryMax: 100 * time.Millisecond})
			ctx := context.Background()
			add := func(from, to int) {
				for i := from; i < to; i++ {
					s.Add(rec("r1", uint64(i), base, fmt.Sprintf("utterance %d cures diabetes, add my wechat", i)))
				}
			}
			add(0, 200)
			if err := s.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			fill := testdisk.Fill(t, dir, tc.leave)
			var flushErr error
			for batch := 0; batch < 5; batch++ { // several batches against the full disk
				add(200+batch*20, 220+batch*20)
				if err := s.Flush(ctx); err != nil {
					flushErr = err
				}
			}
			if flushErr == nil {
				t.Fatal("Flush on a full disk: nil error")
			}
			if err := s.Ready(ctx); err == nil {
				t.Error("Ready on a full disk: nil")
			} else if tc.minFree > 1 && !errors.Is(err, ErrNoSpace) {
				t.Errorf("Ready on a full disk: %v, want ErrNoSpace", err)
			}
			fill.Free(t)
			t0 := time.Now()
			testutil.Eventually(t, 10*time.Second, func() error {
				if err := s.Flush(ctx); err != nil {
					return err
				}
				return s.Ready(ctx)
			})
			t.Logf("writable %v after space returned; stats %+v", time.Since(t0), s.Stats())
			ids := countIDs(t, s)
			if len(ids) != 300 {
				t.Errorf("%d distinct records after recovery, want 300", len(ids))
			}
			for id, n := range ids {
				if n != 1 {
					t.Errorf("record %s stored %d times", id, n)
				}
			}
			if q := s.Quarantined(); len(q) != 0 {
				t.Errorf("a full disk quarantined %+v", q)
			}
			if err := s.Close(ctx); err != nil {
				t.Fatal(err)
			}
			s2 := openTest(t, dir, Options{})
			if n := len(countIDs(t, s2)); n != 300 {
				t.Errorf("after restart: %d records, want 300", n)
			}
		})
	}
}

func countIDs(t *testing.T, s *Store) map[string]int {
	t.Helper()
	ids := map[string]int{}
	err := s.Scan(context.Background(), time.Time{}, time.Time{}, func(r Record) error {
		ids[r.ID]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}
