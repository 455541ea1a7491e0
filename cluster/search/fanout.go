package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/synadia-io/orbit.go/natsext"

	"github.com/earshot/earshot/transcript/store"
)

// ErrNoIndex means no index node has registered: nothing can be searched.
var ErrNoIndex = fmt.Errorf("%w: no index node is registered: start a node with the index role", store.ErrUnavailable)

// ErrUnavailable is wrapped when no registered index node answered in time.
var ErrUnavailable = fmt.Errorf("%w: no index node answered in time", store.ErrUnavailable)

// FanoutOptions configure a Fanout.
type FanoutOptions struct {
	// Timeout is how long a read waits for every registered node; default
	// 6 s, past the store's 5 s search budget, so a node's own timeout
	// arrives as its answer rather than as silence.
	Timeout time.Duration
	// BacktestTimeout is how long a backtest waits for every node; default
	// DefaultBacktestTimeout plus a second (a node's own deadline arrives
	// as its answer).
	BacktestTimeout time.Duration
}

// Fanout reads transcripts from every index node: the api node's
// transcript source (server.Transcripts).
type Fanout struct {
	nc   *nats.Conn
	reg  *Registry
	opts FanoutOptions
}

// NewFanout reads through nc from the nodes reg lists.
func NewFanout(nc *nats.Conn, reg *Registry, opts FanoutOptions) *Fanout {
	if opts.Timeout <= 0 {
		opts.Timeout = 6 * time.Second
	}
	if opts.BacktestTimeout <= 0 {
		opts.BacktestTimeout = DefaultBacktestTimeout + time.Second
	}
	return &Fanout{nc: nc, reg: reg, opts: opts}
}

// answers are the replies of one fan-out round and who stayed silent.
type answers struct {
	replies []reply
	missing []string
}

// ask sends req on subject to every registered node and collects their
// replies until each answered or the deadline passed.
func (f *Fanout) ask(ctx context.Context, subject string, req request) (answers, error) {
	return f.askWithin(ctx, subject, req, f.opts.Timeout)
}

// askWithin is ask with its own deadline.
func (f *Fanout) askWithin(ctx context.Context, subject string, req request, timeout time.Duration) (answers, error) {
	nodes, err := f.reg.Nodes(ctx)
	if err != nil {
		return answers{}, err
	}
	if len(nodes) == 0 {
		return answers{}, ErrNoIndex
	}
	req.V = wireVersion
	data, err := json.Marshal(req)
	if err != nil {
		return answers{}, fmt.Errorf("search: encode request: %w", err)
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	msgs, err := natsext.RequestMany(ctx, f.nc, subject, data, natsext.RequestManyMaxMessages(len(nodes)))
	if err != nil {
		return answers{}, fmt.Errorf("search: request %s: %w", subject, err)
	}
	want := map[string]bool{}
	for _, n := range nodes {
		want[n] = true
	}
	var out answers
	for m, err := range msgs {
		if err != nil {
			break // the deadline: who has not answered is missing
		}
		var r reply
		if json.Unmarshal(m.Data, &r) != nil || r.V != wireVersion {
			continue
		}
		if !want[r.Node] {
			f.reg.forget() // a node that registered after the list was read
		}
		delete(want, r.Node)
		out.replies = append(out.replies, r)
	}
	for n := range want {
		out.missing = append(out.missing, n)
	}
	sort.Strings(out.missing)
	if len(out.replies) == 0 {
		if err := parent.Err(); err != nil {
			return answers{}, err // the caller gave up (the client went away)
		}
		return answers{}, fmt.Errorf("search: %w (waited %s for %v)", ErrUnavailable, timeout, out.missing)
	}
	return out, nil
}

// split keeps the replies that answered; a query the store refuses (every
// node would say the same) is the error, and nodes that failed otherwise
// count as missing, unless none answered at all.
func (a *answers) split() (ok []reply, err error) {
	var failed error
	for _, r := range a.replies {
		if r.Error == nil {
			ok = append(ok, r)
			continue
		}
		e := r.Error.decode(r.Node)
		switch r.Error.Kind {
		case kindQuery, kindCost:
			return nil, e // the query's own fault: every node says the same
		}
		a.missing = append(a.missing, r.Node)
		failed = e
	}
	sort.Strings(a.missing)
	if len(ok) == 0 && failed != nil {
		return nil, failed
	}
	return ok, nil
}

// Search runs q on every index node and merges their hits as one index
// would: sorted, paged, facets summed. A node that did not answer makes the
// result Partial.
func (f *Fanout) Search(ctx context.Context, q store.Query) (store.Result, error) {
	if q.Size == 0 {
		q.Size = 20
	}
	if err := q.ValidateShard(); err != nil {
		return store.Result{}, err
	}
	start := time.Now()
	full := q.Offset+q.Size <= store.FullWindow
	a, err := f.ask(ctx, subjectSearch, request{Query: q, Full: full})
	if err != nil {
		return store.Result{}, err
	}
	ok, err := a.split()
	if err != nil {
		return store.Result{}, err
	}
	res := store.Result{Facets: map[string][]store.FacetTerm{}}
	shards := make([][]store.ShardHit, len(ok))
	facets := make([]map[string][]store.FacetTerm, len(ok))
	for i, r := range ok {
		if r.Shard == nil {
			continue
		}
		res.Total += r.Shard.Total
		shards[i], facets[i] = r.Shard.Hits, r.Shard.Facets
	}
	res.Facets = store.SumFacets(facets)
	page := store.MergeOrder(q, shards)
	if !full {
		if err := f.fetch(ctx, q, ok, shards, page, &a); err != nil {
			return store.Result{}, err
		}
	}
	res.Hits = make([]store.Hit, 0, len(page))
	for _, ref := range page {
		if h := shards[ref.Shard][ref.Hit]; h.Record.Text != "" || h.Record.Room != "" {
			res.Hits = append(res.Hits, h.Hit)
		}
	}
	res.Missing = a.missing
	res.Partial = len(a.missing) > 0
	res.Took = time.Since(start)
	return res, nil
}

// fetch fills the page's keys-only hits with their records, asking each
// node for its own.
func (f *Fanout) fetch(ctx context.Context, q store.Query, ok []reply, shards [][]store.ShardHit, page []store.ShardRef, a *answers) error {
	byShard := map[int][]int{}
	for _, ref := range page {
		byShard[ref.Shard] = append(byShard[ref.Shard], ref.Hit)
	}
	ctx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()
	type got struct {
		shard int
		hits  []store.ShardHit
		err   error
	}
	ch := make(chan got, len(byShard))
	for si, idx := range byShard {
		ids := make([]string, len(idx))
		for k, hi := range idx {
			ids[k] = shards[si][hi].ID
		}
		go func() {
			data, _ := json.Marshal(request{V: wireVersion, Query: q, IDs: ids})
			m, err := f.nc.RequestWithContext(ctx, subjectFetch+"."+ok[si].Node, data)
			if err != nil {
				ch <- got{si, nil, err}
				return
			}
			var r reply
			if err := json.Unmarshal(m.Data, &r); err != nil {
				ch <- got{si, nil, err}
				return
			}
			if r.Error != nil {
				ch <- got{si, nil, r.Error.decode(r.Node)}
				return
			}
			ch <- got{si, r.Hits, nil}
		}()
	}
	for range byShard {
		g := <-ch
		if g.err != nil {
			if errors.Is(g.err, store.ErrBusy) || errors.Is(g.err, store.ErrBudget) {
				return g.err
			}
			a.missing = append(a.missing, ok[g.shard].Node) // its records leave the page
			continue
		}
		full := map[string]store.ShardHit{}
		for _, h := range g.hits {
			full[h.ID] = h
		}
		for _, hi := range byShard[g.shard] {
			k := &shards[g.shard][hi]
			if h, found := full[k.ID]; found {
				score := k.Score // the page's order was decided by the query's own scores
				k.Hit, k.Hit.Score = h.Hit, score
			}
		}
	}
	slices.Sort(a.missing)
	a.missing = slices.Compact(a.missing)
	return nil
}

// Get returns the record with id from whichever node holds it.
func (f *Fanout) Get(ctx context.Context, id string) (store.Record, error) {
	a, err := f.ask(ctx, subjectGet, request{ID: id})
	if err != nil {
		return store.Record{}, err
	}
	ok, err := a.split()
	if err != nil {
		return store.Record{}, err
	}
	for _, r := range ok {
		if r.Record != nil {
			return *r.Record, nil
		}
	}
	if len(a.missing) > 0 {
		return store.Record{}, fmt.Errorf("%w: %s, and index nodes %v did not answer", store.ErrNotFound, id, a.missing)
	}
	return store.Record{}, fmt.Errorf("%w: %s", store.ErrNotFound, id)
}

// Around returns room's records near at from every node, in time order
// (at most store.MaxAround).
func (f *Fanout) Around(ctx context.Context, room string, at time.Time, before, after time.Duration) ([]store.Record, error) {
	if before < 0 || after < 0 {
		return nil, &store.QueryError{Param: "before", Msg: "before and after must not be negative"}
	}
	a, err := f.ask(ctx, subjectAround, request{Room: room, At: at, Before: before, After: after})
	if err != nil {
		return nil, err
	}
	ok, err := a.split()
	if err != nil {
		return nil, err
	}
	var out []store.Record
	for _, r := range ok {
		out = append(out, r.Records...)
	}
	slices.SortStableFunc(out, func(x, y store.Record) int {
		if c := x.At.Compare(y.At); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	return out[:min(len(out), store.MaxAround)], nil
}

// HasRoom reports whether any node holds a record of room.
func (f *Fanout) HasRoom(ctx context.Context, room string) (bool, error) {
	a, err := f.ask(ctx, subjectHasRoom, request{Room: room})
	if err != nil {
		return false, err
	}
	ok, err := a.split()
	if err != nil {
		return false, err
	}
	for _, r := range ok {
		if r.Has {
			return true, nil
		}
	}
	return false, nil
}
