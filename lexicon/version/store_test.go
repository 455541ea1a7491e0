package version

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
)

func TestPublishListGetDiffRollback(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, startNATS(t))
	if _, err := s.Active(ctx); !errors.Is(err, ErrEmpty) {
		t.Fatalf("empty bucket: got %v, want ErrEmpty", err)
	}
	v1, err := s.Bootstrap(ctx, "seed.yaml", lexiconYAML("seed", "add-wechat", "dm-me"))
	if err != nil || v1.Number != 1 {
		t.Fatalf("bootstrap: %+v %v", v1, err)
	}
	again, err := s.Bootstrap(ctx, "other.yaml", lexiconYAML("other", "x"))
	if err != nil || again.Number != 1 || again.Name != "seed" {
		t.Fatalf("second bootstrap must keep version 1: %+v %v", again, err)
	}
	edited := strings.Replace(string(lexiconYAML("seed", "add-wechat", "text-me")), "severity: high", "severity: low", 1)
	v2, err := s.Publish(ctx, Draft{YAML: []byte(edited), Author: "ann", Message: "swap dm for text"})
	if err != nil || v2.Number != 2 {
		t.Fatalf("publish: %+v %v", v2, err)
	}
	d := v2.Diff
	if len(d.Added) != 1 || d.Added[0].ID != "text-me" {
		t.Errorf("added: %+v", d.Added)
	}
	if len(d.Removed) != 1 || len(d.Changed) != 1 || d.Changed[0].Fields[0].Field != "severity" {
		t.Errorf("diff: %+v", d)
	}
	rb, err := s.Rollback(ctx, 1, "bob", "", false)
	if err != nil || rb.Number != 3 || rb.RollbackOf != 1 || rb.Hash != v1.Hash {
		t.Fatalf("rollback: %+v %v", rb, err)
	}
	list, err := s.List(ctx)
	if err != nil || len(list) != 3 {
		t.Fatalf("list: %+v %v", list, err)
	}
	for i, v := range list {
		if v.Number != i+1 {
			t.Errorf("list[%d] = version %d", i, v.Number)
		}
	}
	if _, err := s.Get(ctx, 9); !errors.Is(err, ErrNotFound) {
		t.Errorf("get 9: %v", err)
	}
	audit, err := s.Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range audit {
		actions = append(actions, fmt.Sprintf("%s:%s:%d", a.Actor, a.Action, a.Version))
	}
	if got := strings.Join(actions, " "); got != "earshot:bootstrap:1 ann:publish:2 bob:rollback:3" {
		t.Errorf("audit = %s", got)
	}
}

func TestInvalidDraftsRejectedLiveUntouched(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, startNATS(t))
	v1, err := s.Bootstrap(ctx, "seed.yaml", lexiconYAML("seed", "add-wechat"))
	if err != nil {
		t.Fatal(err)
	}
	good := string(lexiconYAML("seed", "add-wechat"))
	cases := []struct {
		name, yaml, rule, field string
	}{
		{"invalid yaml", "format: 1\nrules: [\n", "", ""},
		{"unknown category", strings.Replace(good, "private-goods", "gossip", 1), "add-wechat", "category"},
		{"exception never matches", good + "    exceptions: [\"...\"]\n", "add-wechat", "exceptions[0].phrase"},
		{"duplicate id", good + strings.SplitN(good, "rules:\n", 2)[1], "add-wechat", "id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Publish(ctx, Draft{YAML: []byte(c.yaml), File: "draft.yaml", Author: "ann"})
			var inv *InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("got %v, want *InvalidError", err)
			}
			found := false
			for _, e := range inv.Errs {
				found = found || (e.File == "draft.yaml" && e.RuleID == c.rule && e.Field == c.field)
			}
			if !found {
				t.Errorf("no error naming rule %q field %q: %v", c.rule, c.field, inv)
			}
			act, err := s.Active(ctx)
			if err != nil || act.Number != v1.Number || act.Hash != v1.Hash {
				t.Errorf("live version changed: %+v %v", act, err)
			}
		})
	}
}

// TestConcurrentPublishes: every valid publish gets its own number, the
// numbers are 1..n without gaps, each archived record is intact, and the
// active one is the last committed.
func TestConcurrentPublishes(t *testing.T) {
	ctx := context.Background()
	ns := startNATS(t)
	s0 := openStore(t, ns)
	if _, err := s0.Bootstrap(ctx, "seed.yaml", lexiconYAML("seed", "r0")); err != nil {
		t.Fatal(err)
	}
	const writers, each = 4, 5
	var mu sync.Mutex
	got := map[int]string{}
	var wg sync.WaitGroup
	for w := range writers {
		s := openStore(t, ns) // separate connection per publisher
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				y := lexiconYAML(fmt.Sprintf("w%d-%d", w, i), fmt.Sprintf("r-%d-%d", w, i))
				v, err := s.Publish(ctx, Draft{YAML: y, Author: fmt.Sprintf("w%d", w)})
				if err != nil {
					t.Errorf("publish: %v", err)
					return
				}
				mu.Lock()
				if prev, dup := got[v.Number]; dup {
					t.Errorf("version %d given to %s and %s", v.Number, prev, v.Name)
				}
				got[v.Number] = v.Name
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	list, err := s0.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1+writers*each {
		t.Fatalf("%d versions, want %d", len(list), 1+writers*each)
	}
	for i, sum := range list {
		v, err := s0.Get(ctx, i+1)
		if err != nil || v.Number != i+1 || Hash([]byte(v.YAML)) != v.Hash || sum.Hash != v.Hash {
			t.Fatalf("version %d corrupt: %+v %v", i+1, sum, err)
		}
		if i > 0 && v.Previous != i {
			t.Errorf("version %d previous = %d", v.Number, v.Previous)
		}
		if i > 0 && got[v.Number] != v.Name {
			t.Errorf("version %d is %q, publisher was told %q", v.Number, v.Name, got[v.Number])
		}
	}
	act, _ := s0.Active(ctx)
	if act.Number != len(list) {
		t.Errorf("active %d, want the last, %d", act.Number, len(list))
	}
}

func TestBaseConflict(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, startNATS(t))
	if _, err := s.Bootstrap(ctx, "seed.yaml", lexiconYAML("seed", "r0")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Publish(ctx, Draft{YAML: lexiconYAML("a", "r1"), Base: 1}); err != nil {
		t.Fatal(err)
	}
	_, err := s.Publish(ctx, Draft{YAML: lexiconYAML("b", "r2"), Base: 1})
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("stale base: got %v, want ErrConflict", err)
	}
}

func TestWatchersSwapAndLateStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ns := startNATS(t)
	s := openStore(t, ns)
	if _, err := s.Bootstrap(ctx, "seed.yaml", lexiconYAML("seed", "r0")); err != nil {
		t.Fatal(err)
	}
	swapped := make(chan string, 10)
	w1, err := Watch(ctx, openStore(t, ns).KV(), WatchOptions{Logger: testutil.Quiet(), Keys: testKeys,
		OnSwap: func(v Version, _ time.Duration) { swapped <- v.Label() }})
	if err != nil {
		t.Fatal(err)
	}
	<-swapped
	if w1.Load().Version() != "1" {
		t.Fatalf("first version %s", w1.Load().Version())
	}
	if _, err := s.Publish(ctx, Draft{YAML: lexiconYAML("next", "add-wechat")}); err != nil {
		t.Fatal(err)
	}
	select {
	case v := <-swapped:
		if v != "2" {
			t.Fatalf("swapped to %s", v)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("watcher never swapped")
	}
	if hits := w1.Matcher().(*Compiled).Engine.MatchText("please add wechat now"); len(hits) != 1 {
		t.Errorf("new version does not match: %+v", hits)
	}
	late, err := Watch(ctx, openStore(t, ns).KV(), WatchOptions{Logger: testutil.Quiet(), Keys: testKeys})
	if err != nil || late.Load().Meta.Number != 2 {
		t.Fatalf("late watcher: %v %+v", err, late)
	}
}
