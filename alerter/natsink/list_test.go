package natsink

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
)

// TestPageMatchesScan: the windowed read returns exactly what reading the
// whole stream does, for every filter, and walking its pages backwards
// with Before visits every matching alert once, newest page first.
func TestPageMatchesScan(t *testing.T) {
	e := newEnv(t, Options{Now: time.Now, Duplicates: time.Second})
	fillAlerts(t, e.nc, 2000)
	log := e.sink.Log()
	queries := []Query{
		{}, {Limit: 7}, {Limit: 2000}, {Category: "price-fraud", Limit: 30}, {Room: "room-3"},
		{Room: "sparse", Limit: 3}, {Room: "room-3", Category: "medical-claim", Limit: 5},
		{Room: "nobody"}, {Since: time.Now().Add(time.Hour)}, {Since: time.Now().Add(-time.Hour), Limit: 50},
	}
	ids := func(p Page) []string {
		out := make([]string, len(p.Alerts))
		for i, a := range p.Alerts {
			out[i] = a.ID
		}
		return out
	}
	for _, q := range queries {
		t.Run(fmt.Sprintf("%+v", q), func(t *testing.T) {
			// A deadline per query: the one of 50 walks 40 pages, which
			// under -race on a loaded machine took 9 s of a shared 30.
			ctx := testutil.Context(t, 30*time.Second)
			want, err := log.scanAll(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			page, err := log.Page(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(page); !slices.Equal(got, ids(Page{Alerts: want})) {
				t.Fatalf("Page found %d alerts, the full read %d:\n%v\n%v", len(got), len(want), got, ids(Page{Alerts: want}))
			}
			// Every matching alert, by walking the pages.
			all := q
			all.Limit = MaxLimit
			every, err := log.scanAll(ctx, all)
			if err != nil {
				t.Fatal(err)
			}
			var walked []string
			for pages := 0; ; pages++ {
				if pages > len(every)+1 {
					t.Fatal("the pages do not end")
				}
				walked = append(ids(page), walked...)
				if page.Before == 0 {
					break
				}
				next := q
				next.Before = page.Before
				if page, err = log.Page(ctx, next); err != nil {
					t.Fatal(err)
				}
			}
			if !slices.Equal(walked, ids(Page{Alerts: every})) {
				t.Fatalf("walking the pages gave %d alerts, want the %d stored", len(walked), len(every))
			}
		})
	}
}

func TestPageEmptyStream(t *testing.T) {
	e := newEnv(t, Options{})
	p, err := e.sink.Log().Page(context.Background(), Query{Room: "r1"})
	if err != nil || len(p.Alerts) != 0 || p.Before != 0 {
		t.Fatalf("empty stream: %+v %v", p, err)
	}
}

// TestPageSinceFarAhead: a since far in the future lists nothing; past
// 2262 (beyond int64 nanoseconds) the server's start time once wrapped
// and listed every alert.
func TestPageSinceFarAhead(t *testing.T) {
	e := newEnv(t, Options{Now: time.Now, Duplicates: time.Second})
	fillAlerts(t, e.nc, 20)
	ctx := testutil.Context(t, 30*time.Second)
	for _, since := range []time.Time{time.Now().AddDate(1, 0, 0), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)} {
		p, err := e.sink.Log().Page(ctx, Query{Since: since})
		if err != nil || len(p.Alerts) != 0 {
			t.Errorf("since %s: %d alerts (%v), want none", since.Format(time.RFC3339), len(p.Alerts), err)
		}
	}
	if p, err := e.sink.Log().Page(ctx, Query{Since: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil || len(p.Alerts) != 20 {
		t.Errorf("since year 1: %d alerts (%v), want all 20", len(p.Alerts), err)
	}
}
