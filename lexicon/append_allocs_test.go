//go:build !race

package lexicon

import "testing"

// TestAppendMatchAllocs: on the literal ASCII path, AppendMatchText into
// a reused slice allocates nothing per call once the slice and the pooled
// scratch have grown (the race detector's instrumentation allocates, hence
// the build tag). AllocsPerRun's average is whole allocations per run, so
// a scratch the pool dropped at a collection does not fail it. (The Han
// path still allocates about two small objects a segment in
// analysis.NormalizeRunes and ReadHanAlone, none of them hits.)
func TestAppendMatchAllocs(t *testing.T) {
	for _, zh := range []bool{false} {
		e, err := Compile(benchRules(10000, zh, 42, true), Options{})
		if err != nil {
			t.Fatal(err)
		}
		segs := benchSegments(zh, 7)
		var dst []Hit
		hits := 0
		for _, s := range segs {
			dst = e.AppendMatchText(dst[:0], s)
			hits += len(dst)
		}
		if hits == 0 {
			t.Fatalf("zh=%v: no hits: the test measures nothing", zh)
		}
		n := testing.AllocsPerRun(100, func() {
			for _, s := range segs {
				dst = e.AppendMatchText(dst[:0], s)
			}
		})
		if n != 0 {
			t.Errorf("zh=%v: %v allocations per %d segments with a reused slice, want 0", zh, n, len(segs))
		}
	}
}
