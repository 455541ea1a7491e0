package search

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/transcript/store"
)

// cluster is n index nodes, each with its own store holding the rooms that
// hash to it, and one store holding everything to compare against.
type cluster struct {
	nc      *nats.Conn
	reg     *Registry
	fan     *Fanout
	nodes   []*Server
	stores  []*store.Store
	ids     []string
	whole   *store.Store
	records []store.Record
}

func newCluster(t testing.TB, n, records int) *cluster {
	t.Helper()
	srvNATS := natstest.Start(t, "")
	nc := natstest.InProcess(t, srvNATS)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	reg, err := OpenRegistry(ctx, js, RegistryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{nc: nc, reg: reg, fan: NewFanout(nc, reg, FanoutOptions{Timeout: 3 * time.Second})}
	c.whole = openStore(t)
	for i := range n {
		st := openStore(t)
		id, err := NodeID(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		// Each node its own connection, as on separate machines: the
		// service user may answer a request once per connection.
		srv, err := Serve(natstest.InProcess(t, srvNATS), st, ServeOptions{Node: id, Backtest: backtestOver(st)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(srv.Close)
		rctx, stop := context.WithCancel(context.Background())
		t.Cleanup(stop)
		if err := reg.Register(rctx, id, fmt.Sprint("holder-", i)); err != nil {
			t.Fatal(err)
		}
		c.nodes, c.stores, c.ids = append(c.nodes, srv), append(c.stores, st), append(c.ids, id)
	}
	base := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	words := []string{"cures diabetes", "number one in the world", "add my wechat", "lovely colour", "free shipping today", "pay me directly"}
	for k := range records {
		room := fmt.Sprintf("room%02d", k%7)
		rec := store.Record{ID: store.RecordID(room, "s1", uint64(k)), Room: room, Anchor: "anchor" + room[4:],
			Session: "s1", Utterance: uint64(k), At: base.Add(time.Duration(k) * time.Second),
			Text: fmt.Sprintf("%s and %s number %d", words[k%len(words)], words[(k/3)%len(words)], k)}
		if k%4 == 0 {
			rec.Hits = []store.RecordHit{{RuleID: "r1", Category: "medical", Severity: "high", MatchedText: "cures"}}
		}
		c.records = append(c.records, rec)
		c.whole.Add(rec)
		c.stores[shardOf(room, n)].Add(rec)
	}
	for _, st := range append([]*store.Store{c.whole}, c.stores...) {
		if err := st.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func shardOf(room string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(room))
	return int(h.Sum32() % uint32(n))
}

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(store.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	return st
}

func ids(hits []store.Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}

// TestFanoutMatchesOneStore: over three index nodes, searches sorted by
// time give exactly the page one store holding everything gives, on the
// first page (one round trip) and deep pages (query, then fetch), with
// totals and facets summed.
func TestFanoutMatchesOneStore(t *testing.T) {
	c := newCluster(t, 3, 240)
	ctx := context.Background()
	cases := []store.Query{
		{Sort: store.SortTime, Size: 10},
		{Sort: store.SortTimeDesc, Size: 25, Offset: 50},
		{Text: "wechat", Sort: store.SortTime, Size: 20, Offset: 100},
		{Text: "diabetes", Sort: store.SortTimeDesc, Size: 7},
		{Rooms: []string{"room03", "room05"}, Sort: store.SortTime, Size: 30, Offset: 10},
		{Categories: []string{"medical"}, Size: 15, Offset: 20},
		{Text: "shipping", Size: 100, Offset: 1900},
	}
	for _, q := range cases {
		t.Run(fmt.Sprintf("%q/%s/%d+%d", q.Text, q.Sort, q.Offset, q.Size), func(t *testing.T) {
			want, err := c.whole.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.fan.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if got.Partial || len(got.Missing) > 0 {
				t.Fatalf("partial with every node up: missing %v", got.Missing)
			}
			if got.Total != want.Total {
				t.Errorf("total %d, one store %d", got.Total, want.Total)
			}
			if !slices.Equal(ids(got.Hits), ids(want.Hits)) {
				t.Errorf("page\n got %v\nwant %v", ids(got.Hits), ids(want.Hits))
			}
			for _, h := range got.Hits {
				if h.Text == "" || (q.Text != "" && len(h.Highlights) == 0) {
					t.Errorf("hit %s came back without its record or highlights: %+v", h.ID, h)
				}
			}
			for _, facet := range []string{"room", "category"} {
				if !slices.Equal(got.Facets[facet], want.Facets[facet]) {
					t.Errorf("facet %s: %v, one store %v", facet, got.Facets[facet], want.Facets[facet])
				}
			}
		})
	}
}

// TestFanoutScoreOrder: sorted by score, the merged page is in score order
// and holds the best hits of every node (scores are each node's own, as in
// any sharded engine, so the page is not compared with one store's).
func TestFanoutScoreOrder(t *testing.T) {
	c := newCluster(t, 3, 120)
	got, err := c.fan.Search(context.Background(), store.Query{Text: "number", Size: 40, Offset: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Hits) != 40 {
		t.Fatalf("%d hits, want 40", len(got.Hits))
	}
	for i := 1; i < len(got.Hits); i++ {
		if got.Hits[i].Score > got.Hits[i-1].Score {
			t.Fatalf("hit %d scores %v after %v", i, got.Hits[i].Score, got.Hits[i-1].Score)
		}
	}
}

// TestFanoutPartial: a registered node that does not answer makes the
// result partial, naming it, within the deadline; the others' hits stay.
func TestFanoutPartial(t *testing.T) {
	c := newCluster(t, 3, 60)
	c.nodes[1].Close() // registered, silent
	c.fan.opts.Timeout = 500 * time.Millisecond
	start := time.Now()
	got, err := c.fan.Search(context.Background(), store.Query{Sort: store.SortTime, Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Partial || !slices.Equal(got.Missing, []string{c.ids[1]}) {
		t.Fatalf("partial %v missing %v, want node %s missing", got.Partial, got.Missing, c.ids[1])
	}
	want := 0
	for _, r := range c.records {
		if shardOf(r.Room, 3) != 1 {
			want++
		}
	}
	if len(got.Hits) != want || got.Total != uint64(want) {
		t.Fatalf("%d hits, total %d: want the other nodes' %d", len(got.Hits), got.Total, want)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Fatalf("waited %s for a silent node", waited)
	}
	// Every node silent: an error naming the wait, not an empty success.
	c.nodes[0].Close()
	c.nodes[2].Close()
	if _, err := c.fan.Search(context.Background(), store.Query{Size: 5}); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("all nodes silent: %v, want ErrUnavailable", err)
	}
}

// TestFanoutLookups: get, around and hasroom find records wherever they
// are; errors of the query come back as the store's own types.
func TestFanoutLookups(t *testing.T) {
	c := newCluster(t, 3, 90)
	ctx := context.Background()
	want := c.records[41]
	got, err := c.fan.Get(ctx, want.ID)
	if err != nil || got.ID != want.ID || got.Text != want.Text {
		t.Fatalf("get %s: %+v, %v", want.ID, got, err)
	}
	if _, err := c.fan.Get(ctx, "nope/s1/1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("get unknown: %v, want ErrNotFound", err)
	}
	recs, err := c.fan.Around(ctx, want.Room, want.At, time.Minute, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	wantAround, _ := c.whole.Around(ctx, want.Room, want.At, time.Minute, time.Minute)
	if len(recs) == 0 || len(recs) != len(wantAround) {
		t.Fatalf("around: %d records, one store %d", len(recs), len(wantAround))
	}
	for _, room := range []string{want.Room, "room99"} {
		has, err := c.fan.HasRoom(ctx, room)
		if err != nil || has != (room == want.Room) {
			t.Fatalf("hasroom %s: %v, %v", room, has, err)
		}
	}
	var qe *store.QueryError
	if _, err := c.fan.Search(ctx, store.Query{Text: `"cures diabetes`, Size: 5}); !errors.As(err, &qe) {
		t.Fatalf("bad query: %v, want a *store.QueryError", err)
	}
	var ce *store.CostError
	if _, err := c.fan.Search(ctx, store.Query{Text: "*abc", Size: 5}); !errors.As(err, &ce) {
		t.Fatalf("leading wildcard: %v, want a *store.CostError", err)
	}
	if _, err := c.fan.Search(ctx, store.Query{Size: 100, Offset: store.MaxShardWindow}); !errors.As(err, &qe) {
		t.Fatalf("deep page: %v, want a *store.QueryError", err)
	}
}

// TestNoIndexRegistered: with no index node, a search says so.
func TestNoIndexRegistered(t *testing.T) {
	c := newCluster(t, 0, 0)
	if _, err := c.fan.Search(context.Background(), store.Query{Size: 5}); !errors.Is(err, ErrNoIndex) {
		t.Fatalf("%v, want ErrNoIndex", err)
	}
}
