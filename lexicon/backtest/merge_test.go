package backtest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/earshot/earshot/lexicon"
)

// TestMergeEqualsOneRun: the corpus split by room over three shares, each
// run alone and merged, reports what one run over all of it reports
// (examples included: the earliest of each rule and direction).
func TestMergeEqualsOneRun(t *testing.T) {
	liveLx, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	live, draft := mustCompile(liveLx), mustCompile(draftOf(liveLx))
	src := corpus(300)
	ds := List{{Room: src[1].Room, Session: "s1", Utterance: 1, RuleID: "cure-claim", Verdict: Confirmed}}
	ctx := context.Background()
	opts := Options{Examples: 2, Dispositions: ds}
	whole, err := Run(ctx, src, live, draft, t0, t0.Add(time.Hour), opts)
	if err != nil {
		t.Fatal(err)
	}
	shares := make([]sliceSource, 3)
	for _, r := range src {
		i := int(r.Room[len(r.Room)-1]-'0') % 3
		shares[i] = append(shares[i], r)
	}
	var parts []*Report
	for _, sh := range shares {
		p, err := Run(ctx, sh, live, draft, t0, t0.Add(time.Hour), opts)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, p)
	}
	got := Merge(parts, 2)
	for _, r := range []*Report{got, whole} {
		r.ElapsedMs, r.PerSecond = 0, 0
	}
	if !reflect.DeepEqual(got, whole) {
		t.Errorf("merged:\n%+v\none run:\n%+v", got, whole)
	}
}
