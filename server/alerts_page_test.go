package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testutil"
)

// TestAlertPages: GET /v1/alerts answers the newest ?limit= alerts with
// next_before, and following it visits every stored alert once; a limit
// beyond api.MaxAlertLimit or a bad cursor is a 400.
func TestAlertPages(t *testing.T) {
	e := newReviewEnv(t)
	ctx := context.Background()
	var stored []string
	for i := range 5 {
		e.say(t, fmt.Sprintf("page-%d", i), "This cream cures diabetes.")
		stored = append(stored, e.newest(t, fmt.Sprintf("page-%d", i)))
	}
	var walked []string
	q := api.AlertQuery{Limit: 2}
	for pages := 0; ; pages++ {
		l, err := e.staff.AlertPage(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if pages > 5 || len(l.Alerts) > 2 {
			t.Fatalf("page %d: %d alerts, next_before %d", pages, len(l.Alerts), l.NextBefore)
		}
		page := make([]string, len(l.Alerts))
		for i, a := range l.Alerts {
			page[i] = a.ID
		}
		walked = append(page, walked...)
		if l.NextBefore == 0 {
			break
		}
		q.Before = l.NextBefore
	}
	if !slices.Equal(walked, stored) {
		t.Fatalf("walked %v, want %v", walked, stored)
	}
	for _, path := range []string{"/v1/alerts?limit=1001", "/v1/alerts?before=x", "/v1/alerts?before=0"} {
		var v api.ErrorResponse
		if code := testutil.DoJSON(t, "GET", e.url+path, e.compliance, "", &v); code != http.StatusBadRequest || v.Error.Code != api.CodeBadQuery {
			t.Errorf("GET %s: %d %+v, want 400 bad_query", path, code, v)
		}
	}
}
