package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/earshot/earshot/lexicon/backtest"
	"github.com/earshot/earshot/transcript/store"
)

// Local is the transcript store an index node answers from
// (*store.Store).
type Local interface {
	SearchShard(ctx context.Context, q store.Query, full bool) (store.Shard, error)
	FetchShard(ctx context.Context, q store.Query, ids []string) ([]store.ShardHit, error)
	Get(ctx context.Context, id string) (store.Record, error)
	Around(ctx context.Context, room string, at time.Time, before, after time.Duration) ([]store.Record, error)
	HasRoom(ctx context.Context, room string) (bool, error)
}

// ServeOptions configure Serve.
type ServeOptions struct {
	// Node is this index node's id (NodeID); required.
	Node string
	// Timeout bounds one answer; default 10 s (the store's own search
	// budget is shorter and answers first).
	Timeout time.Duration
	// MaxInFlight requests are answered at once, the next ones refused as
	// busy; default 16 (the store admits fewer searches at once and says
	// busy itself).
	MaxInFlight int
	Logger      *slog.Logger
	// Backtest runs a backtest over this node's share; nil answers no
	// backtests.
	Backtest func(ctx context.Context, q BacktestQuery) (*backtest.Report, error)
	// BacktestTimeout bounds one backtest; default DefaultBacktestTimeout.
	BacktestTimeout time.Duration
}

// DefaultBacktestTimeout bounds a backtest on each node and the api node's
// wait for their answers (a day of a busy installation's transcripts).
const DefaultBacktestTimeout = 30 * time.Second

// Server answers one index node's share of transcript reads.
type Server struct {
	local Local
	opts  ServeOptions
	subs  []*nats.Subscription
	slots chan struct{}
	// maxReply stays under the server's max_payload.
	maxReply int
	wg       sync.WaitGroup
	ctx      context.Context
	stop     context.CancelFunc
}

// Serve subscribes to the index subjects and answers from local until
// Close.
func Serve(nc *nats.Conn, local Local, opts ServeOptions) (*Server, error) {
	if !validNodeID(opts.Node) {
		return nil, fmt.Errorf("search: node id %q: want [a-z0-9_-]{1,64}", opts.Node)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.BacktestTimeout <= 0 {
		opts.BacktestTimeout = DefaultBacktestTimeout
	}
	if opts.MaxInFlight <= 0 {
		opts.MaxInFlight = 16
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Server{local: local, opts: opts, slots: make(chan struct{}, opts.MaxInFlight),
		maxReply: int(nc.MaxPayload()) - 4<<10}
	s.ctx, s.stop = context.WithCancel(context.Background())
	subjects := []string{subjectSearch, subjectGet, subjectAround, subjectHasRoom, subjectFetch + "." + opts.Node}
	if opts.Backtest != nil {
		subjects = append(subjects, subjectBacktest)
	}
	for _, subj := range subjects {
		sub, err := nc.Subscribe(subj, s.handle)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("search: subscribe %s: %w", subj, err)
		}
		s.subs = append(s.subs, sub)
	}
	return s, nil
}

// Close stops answering and waits for answers in flight.
func (s *Server) Close() {
	for _, sub := range s.subs {
		_ = sub.Unsubscribe()
	}
	s.stop()
	s.wg.Wait()
}

// handle answers off the subscription's goroutine, so one slow search does
// not hold up the lookups behind it.
func (s *Server) handle(m *nats.Msg) {
	if m.Reply == "" {
		return
	}
	select {
	case s.slots <- struct{}{}:
	default:
		s.respond(m, reply{Error: &wireError{Kind: kindBusy, Msg: "index node " + s.opts.Node + ": every answer slot is taken"}})
		return
	}
	s.wg.Add(1)
	go func() {
		defer func() { <-s.slots; s.wg.Done() }()
		d := s.opts.Timeout
		if m.Subject == subjectBacktest {
			d = s.opts.BacktestTimeout
		}
		ctx, cancel := context.WithTimeout(s.ctx, d)
		defer cancel()
		s.respond(m, s.answer(ctx, m.Subject, m.Data))
	}()
}

func (s *Server) answer(ctx context.Context, subject string, data []byte) (r reply) {
	req, err := decodeRequest(data)
	if err != nil {
		return reply{Error: &wireError{Kind: kindBad, Msg: err.Error()}}
	}
	fail := func(err error) reply { return reply{Error: encodeError(err)} }
	switch subject {
	case subjectSearch:
		sh, err := s.local.SearchShard(ctx, req.Query, req.Full)
		if err != nil {
			return fail(err)
		}
		r.Shard = &sh
	case subjectFetch + "." + s.opts.Node:
		if r.Hits, err = s.local.FetchShard(ctx, req.Query, req.IDs); err != nil {
			return fail(err)
		}
	case subjectGet:
		rec, err := s.local.Get(ctx, req.ID)
		if errors.Is(err, store.ErrNotFound) {
			return r // found nowhere here: not an error of this node
		}
		if err != nil {
			return fail(err)
		}
		r.Record = &rec
	case subjectAround:
		if r.Records, err = s.local.Around(ctx, req.Room, req.At, req.Before, req.After); err != nil {
			return fail(err)
		}
	case subjectHasRoom:
		if r.Has, err = s.local.HasRoom(ctx, req.Room); err != nil {
			return fail(err)
		}
	case subjectBacktest:
		if req.Backtest == nil || s.opts.Backtest == nil {
			return reply{Error: &wireError{Kind: kindBad, Msg: "no backtest in the request"}}
		}
		if r.Report, err = s.opts.Backtest(ctx, *req.Backtest); err != nil {
			return fail(err)
		}
	default:
		return reply{Error: &wireError{Kind: kindBad, Msg: "unknown subject " + subject}}
	}
	return r
}

func (s *Server) respond(m *nats.Msg, r reply) {
	r.V, r.Node = wireVersion, s.opts.Node
	b, err := json.Marshal(r)
	if err == nil && len(b) > s.maxReply {
		b, err = json.Marshal(reply{V: wireVersion, Node: s.opts.Node,
			Error: &wireError{Kind: kindFailed, Msg: fmt.Sprintf("answer of %d bytes is over %d: narrow the search", len(b), s.maxReply)}})
	}
	if err != nil {
		s.opts.Logger.Error("index answer not encoded", "err", err)
		return
	}
	if err := m.Respond(b); err != nil {
		s.opts.Logger.Warn("index answer not sent", "subject", m.Subject, "err", err)
	}
}
