package cases

import (
	"fmt"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/testutil"
)

// BenchmarkAdd is one alert into its case on the embedded server: the
// compare-and-set writes a hit costs (a run of 50 hits per anchor).
func BenchmarkAdd(b *testing.B) {
	st, _ := openStoreB(b)
	ctx := testutil.Context(b, time.Hour)
	b.ResetTimer()
	for i := range b.N {
		a := alert(fmt.Sprintf("b%09d", i), fmt.Sprintf("anchor-%d", i/50), "r1", "s1", "medium", "absolute-claim", time.Duration(i)*time.Millisecond)
		if _, err := st.Add(ctx, a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkList is GET /v1/cases' work over an index of 100,000 cases:
// filter, sort into queue order, keep 100.
func BenchmarkList(b *testing.B) {
	st := &Store{index: map[string]*Case{}, opts: Options{Now: time.Now}}
	levels := []string{"", "", "", "", alerter.LevelStaff, alerter.LevelStopSuggested}
	sevs := []string{"info", "low", "medium", "high", "critical"}
	for i := range 100_000 {
		id := fmt.Sprintf("c%06d", i)
		c := &Case{ID: id, Room: fmt.Sprintf("r%d", i%500), Severity: sevs[i%5], Escalation: levels[i%6],
			Categories: []string{"absolute-claim"}, State: StateOpen, FirstAt: t0.Add(time.Duration(i) * time.Second), HitCount: 3}
		c.ranked()
		st.index[id] = c
	}
	for _, f := range []Filter{{}, {Room: "r7"}} {
		b.Run(fmt.Sprintf("room=%q", f.Room), func(b *testing.B) {
			for range b.N {
				if _, _, err := st.List(f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
