package search

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/earshot/earshot/lexicon/backtest"
	"github.com/earshot/earshot/transcript/store"
)

// Subjects.
const (
	SubjectPrefix  = "earshot.index"
	subjectSearch  = SubjectPrefix + ".search"
	subjectGet     = SubjectPrefix + ".get"
	subjectAround  = SubjectPrefix + ".around"
	subjectHasRoom = SubjectPrefix + ".hasroom"
	subjectFetch   = SubjectPrefix + ".fetch" // .<node>
	// subjectBacktest runs a lexicon backtest over each node's share.
	subjectBacktest = SubjectPrefix + ".backtest"
)

// wireVersion is the request and reply format's version.
const wireVersion = 1

// maxRequestBytes bounds a request a node decodes: a query is at most a
// few KB, a fetch at most store.MaxSize ids, a backtest two lexicons and
// the verdicts in its range (NATS's default max_payload bounds it too).
const maxRequestBytes = 1 << 20

// request is every operation's body; the subject says which fields count.
type request struct {
	V     int         `json:"v"`
	Query store.Query `json:"query,omitzero"`
	Full  bool        `json:"full,omitempty"`
	IDs   []string    `json:"ids,omitempty"`
	ID    string      `json:"id,omitempty"`
	Room  string      `json:"room,omitempty"`
	At    time.Time   `json:"at,omitzero"`
	// Before and After are nanoseconds.
	Before time.Duration `json:"before,omitempty"`
	After  time.Duration `json:"after,omitempty"`
	// Backtest is a backtest request (subjectBacktest).
	Backtest *BacktestQuery `json:"backtest,omitempty"`
}

// BacktestQuery is a lexicon backtest every index node runs over its own
// share of the transcripts: the live and the draft lexicon as YAML (each
// node compiles them), the range, and reviewers' verdicts in it.
type BacktestQuery struct {
	Live     []byte    `json:"live"`
	Draft    []byte    `json:"draft"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Examples int       `json:"examples,omitempty"`
	// Verdicts says Dispositions are given (perhaps none in range).
	Verdicts     bool                   `json:"verdicts,omitempty"`
	Dispositions []backtest.Disposition `json:"dispositions,omitempty"`
}

// reply is every node's answer.
type reply struct {
	V       int              `json:"v"`
	Node    string           `json:"node"`
	Error   *wireError       `json:"error,omitempty"`
	Shard   *store.Shard     `json:"shard,omitempty"`
	Hits    []store.ShardHit `json:"hits,omitempty"`
	Record  *store.Record    `json:"record,omitempty"`
	Records []store.Record   `json:"records,omitempty"`
	Has     bool             `json:"has,omitempty"`
	Report  *backtest.Report `json:"report,omitempty"`
}

// Error kinds: the store's error types, so the api node answers exactly as
// the store would have (bad_query, query_too_costly, busy, ...).
const (
	kindQuery    = "query"
	kindCost     = "cost"
	kindBusy     = "busy"
	kindBudget   = "budget"
	kindNotFound = "not_found"
	kindBad      = "bad_request"
	kindFailed   = "failed"
)

type wireError struct {
	Kind  string `json:"kind"`
	Param string `json:"param,omitempty"`
	Msg   string `json:"msg"`
}

// encodeError names err's kind for the wire.
func encodeError(err error) *wireError {
	var qe *store.QueryError
	var ce *store.CostError
	switch {
	case errors.As(err, &qe):
		return &wireError{Kind: kindQuery, Param: qe.Param, Msg: qe.Msg}
	case errors.As(err, &ce):
		return &wireError{Kind: kindCost, Msg: ce.Msg}
	case errors.Is(err, store.ErrBusy):
		return &wireError{Kind: kindBusy, Msg: err.Error()}
	case errors.Is(err, store.ErrBudget):
		return &wireError{Kind: kindBudget, Msg: err.Error()}
	case errors.Is(err, store.ErrNotFound):
		return &wireError{Kind: kindNotFound, Msg: err.Error()}
	}
	return &wireError{Kind: kindFailed, Msg: err.Error()}
}

// decodeError is the error a node's reply stands for.
func (e *wireError) decode(node string) error {
	switch e.Kind {
	case kindQuery:
		return &store.QueryError{Param: e.Param, Msg: e.Msg}
	case kindCost:
		return &store.CostError{Msg: e.Msg}
	case kindBusy:
		return fmt.Errorf("index node %s: %w", node, store.ErrBusy)
	case kindBudget:
		return fmt.Errorf("index node %s: %w", node, store.ErrBudget)
	case kindNotFound:
		return fmt.Errorf("index node %s: %w", node, store.ErrNotFound)
	}
	return fmt.Errorf("index node %s: %s: %s", node, e.Kind, e.Msg)
}

// decodeRequest reads a request, refusing what no api node sends.
func decodeRequest(data []byte) (request, error) {
	var r request
	if len(data) > maxRequestBytes {
		return r, fmt.Errorf("request of %d bytes: at most %d", len(data), maxRequestBytes)
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return r, fmt.Errorf("request: %w", err)
	}
	if r.V != wireVersion {
		return r, fmt.Errorf("request version %d: this node speaks %d", r.V, wireVersion)
	}
	if len(r.IDs) > store.MaxSize {
		return r, fmt.Errorf("request: %d ids, at most %d", len(r.IDs), store.MaxSize)
	}
	return r, nil
}
