//go:build linux

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/testutil"
)

// TestCasesSurviveRestart: cases, assignments and appeals are durable
// (KV), and the builder's durable consumer resumes after a restart
// without grouping an alert twice: every alert is in exactly one case.
func TestCasesSurviveRestart(t *testing.T) {
	rs := startRestartable(t, func(c *config.Config) { c.Recognizer.Engine = "none" })
	ctx := context.Background()
	say := func(text string) {
		t.Helper()
		if _, err := apiClient(t, rs.svc()).PostUtterances(ctx, api.Room{ID: "durable-room", Anchor: "Mei"}, api.Utterance{Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	hits := func(c *api.Client) (map[string]int, error) {
		l, err := c.Cases(ctx, api.CaseQuery{Room: "durable-room"}) // every state
		if err != nil {
			return nil, err
		}
		out := map[string]int{}
		for _, cs := range l.Cases {
			out[cs.ID] = cs.HitCount
		}
		return out, nil
	}
	say("This cream cures diabetes.")
	say("It is the best cream in the world.")
	var before map[string]int
	testutil.Eventually(t, 10*time.Second, func() error {
		var err error
		if before, err = hits(apiClient(t, rs.svc())); err == nil && (len(before) != 1 || sum(before) != 2) {
			err = fmt.Errorf("cases %v, want one of 2 hits", before)
		}
		return err
	})
	var id string
	for k := range before {
		id = k
	}
	if _, err := apiClient(t, rs.svc()).AssignCase(ctx, id); err != nil {
		t.Fatal(err)
	}

	if status, _ := testutil.Do(t, http.MethodPost, rs.control.URL+"/restart", "", ""); status != http.StatusOK {
		t.Fatalf("restart: %d", status)
	}
	say("This is the lowest price ever.")
	testutil.Eventually(t, 15*time.Second, func() error {
		after, err := hits(apiClient(t, rs.svc()))
		if err == nil && sum(after) != 3 {
			err = fmt.Errorf("cases after the restart %v, want 3 hits in all", after)
		}
		return err
	})
	v, err := apiClient(t, rs.svc()).Case(ctx, id)
	if err != nil || v.Assignee != "e2e-admin" || v.HitCount < 2 {
		t.Fatalf("case %s after the restart: %v %+v", id, err, v)
	}
	seen := map[string]bool{}
	all, _ := hits(apiClient(t, rs.svc()))
	for cid := range all {
		cv, err := apiClient(t, rs.svc()).Case(ctx, cid)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range cv.Hits {
			if seen[h.AlertID] {
				t.Fatalf("alert %s is in two cases", h.AlertID)
			}
			seen[h.AlertID] = true
		}
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
