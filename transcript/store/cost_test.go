package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
)

func TestCostlyFormsRefused(t *testing.T) {
	s := openTest(t, t.TempDir(), Options{})
	addAll(t, s, corpus()...)
	cases := []struct {
		q      string
		costly string // "" runs
	}{
		{"cre*", ""},
		{"全*", ""}, // one Chinese character is as selective as two letters
		{"diabetis~1", ""},
		{"/cre.*/", ""},
		{"cre* wec* dia* low*", ""},
		{"*eam", "wildcard"},
		{"?ream", "wildcard"},
		{"c*", "wildcard"},
		{"text:*e*", "wildcard"},
		{"/.*ream/", "regular expression"},
		{"ab~1", "fuzzy"},
		{"cre* wec* dia* low* ban*", "more than 4"},
		{"+cream -(*a*)", "wildcard"},
	}
	for _, c := range cases {
		t.Run(c.q, func(t *testing.T) {
			_, err := s.Search(context.Background(), Query{Text: c.q})
			var ce *CostError
			switch {
			case c.costly == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.costly != "" && (!errors.As(err, &ce) || !strings.Contains(err.Error(), c.costly)):
				t.Fatalf("err %v, want a *CostError naming %q", err, c.costly)
			}
		})
	}
}

// TestTermBound: a wildcard that passes the form checks but expands to
// more index terms than MaxTerms is refused as costly, not run.
func TestTermBound(t *testing.T) {
	recs := make([]Record, 300)
	for i := range recs {
		recs[i] = rec("r1", uint64(i+1), base.Add(time.Duration(i)*time.Second), fmt.Sprintf("say zq%03d now", i))
	}
	for _, c := range []struct {
		maxTerms int
		costly   bool
	}{{100, true}, {1000, false}} {
		t.Run(fmt.Sprint(c.maxTerms), func(t *testing.T) {
			s := openTest(t, t.TempDir(), Options{Search: SearchLimits{MaxTerms: c.maxTerms}})
			addAll(t, s, recs...)
			res, err := s.Search(context.Background(), Query{Text: "zq*"})
			var ce *CostError
			if c.costly != errors.As(err, &ce) {
				t.Fatalf("zq* over 300 terms with MaxTerms %d: %v", c.maxTerms, err)
			}
			if !c.costly && res.Total != 300 {
				t.Fatalf("found %d, want 300", res.Total)
			}
			if c.costly && !strings.Contains(err.Error(), "index terms") {
				t.Fatalf("error %q does not say why", err)
			}
		})
	}
}

// bigStore is a store of n generated utterances with a vocabulary of a few
// thousand words, like real broadcasts.
func bigStore(t testing.TB, n int, lim SearchLimits) *Store {
	t.Helper()
	s, err := Open(Options{Dir: t.TempDir(), Logger: testutil.Quiet(), QueueSize: 1 << 16, BatchSize: 2048, Search: lim,
		Now: func() time.Time { return base }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	r := rand.New(rand.NewPCG(7, 8))
	vocab := make([]string, 3000)
	for i := range vocab {
		var b strings.Builder
		for range 3 + r.IntN(6) {
			b.WriteByte(byte('a' + r.IntN(26)))
		}
		vocab[i] = b.String()
	}
	start := base.Add(-time.Duration(n) * time.Second)
	for i := range n {
		rc := genRecord(r, i, start)
		rc.At = start.Add(time.Duration(i) * time.Second)
		if i%3 != 0 {
			words := strings.Fields(rc.Text)
			for k := range words {
				if k%2 == 0 {
					words[k] = vocab[r.IntN(len(vocab))]
				}
			}
			rc.Text = strings.Join(words, " ")
		}
		s.Add(rc)
		if i%(1<<14) == 0 {
			_ = s.Flush(context.Background())
		}
	}
	if err := s.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// costlyQuery is the 399-byte query of the probe that ran 17 s before
// limits: leading and inner wildcards over every vocabulary letter.
var costlyQuery = func() string {
	var b strings.Builder
	for i := 0; b.Len() < 399; i++ {
		c, d := string(rune('a'+i%26)), string(rune('a'+(i*7)%26))
		if i%2 == 0 {
			b.WriteString("*" + c + "* ")
		} else {
			b.WriteString("*" + c + "*" + d + "* ")
		}
	}
	return strings.TrimSpace(b.String()[:399])
}()

// TestCostlySearchWithinBudget: over tens of thousands of utterances the
// probe's wildcard query is refused by its form, a query allowed by its
// form but matching most of the store is cancelled at its time budget
// (ErrBudget), and a search beyond the concurrent slots is refused with
// ErrBusy.
func TestCostlySearchWithinBudget(t *testing.T) {
	s := bigStore(t, 20000, SearchLimits{Timeout: time.Millisecond, MaxConcurrent: 2})
	ctx := context.Background()
	var ce *CostError
	if _, err := s.Search(ctx, Query{Text: costlyQuery}); !errors.As(err, &ce) {
		t.Fatalf("the 399-byte wildcard query: %v, want a *CostError", err)
	}
	// Four broad wildcards (every term starting "ev", "be", "cr", "wo" and
	// the like), sorted by time: allowed by form, but they match most of
	// the store, more than a millisecond's work.
	_, err := s.Search(ctx, Query{Text: "ev* be* cr* wo*", Sort: SortTime})
	if !errors.Is(err, ErrBudget) {
		t.Fatalf("broad query under a 1 ms budget: %v, want ErrBudget", err)
	}
	// The caller's own cancellation is not the budget.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Search(cancelled, Query{Text: "cream"}); errors.Is(err, ErrBudget) || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller: %v, want context.Canceled", err)
	}
	// Both slots taken: the next search is refused at once.
	for range cap(s.searches) {
		s.searches <- struct{}{}
	}
	_, err = s.Search(ctx, Query{Text: "cream"})
	for range cap(s.searches) {
		<-s.searches
	}
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("search with every slot taken: %v, want ErrBusy", err)
	}
}
