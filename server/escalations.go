package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/escalation"
	"github.com/earshot/earshot/api"
)

// EscalationLog reads stored escalations (*escalation.Log).
type EscalationLog interface {
	Escalations(ctx context.Context, q escalation.Query) ([]alerter.Escalation, error)
}

// listEscalations answers GET /v1/escalations.
func (s *Server) listEscalations(w http.ResponseWriter, r *http.Request) {
	q, err := parseEscalationQuery(r, time.Now())
	if err != nil {
		writeError(w, api.CodeBadQuery, err.Error())
		return
	}
	es, err := s.opts.Escalations.Escalations(r.Context(), q)
	if errors.Is(err, escalation.ErrTooMany) {
		writeError(w, api.CodeBadQuery, err.Error()+": give a later ?since= or a ?room=")
		return
	}
	if err != nil {
		s.opts.Logger.Error("listing escalations", "err", err)
		writeError(w, api.CodeEscalationLog, "the escalation log cannot be read now; retry")
		return
	}
	out := api.EscalationList{Escalations: make([]api.Escalation, 0, len(es))}
	for _, e := range es {
		out.Escalations = append(out.Escalations, wireEscalation(e))
	}
	writeJSON(w, http.StatusOK, out)
}

var escalationParams = []string{"room", "level", "category", "since", "limit"}

func parseEscalationQuery(r *http.Request, now time.Time) (escalation.Query, error) {
	v := r.URL.Query()
	if err := onlyParams(v, escalationParams...); err != nil {
		return escalation.Query{}, err
	}
	q := escalation.Query{Room: v.Get("room"), Level: v.Get("level"), Category: v.Get("category"),
		Since: now.Add(-api.DefaultEscalationSince), Limit: api.DefaultEscalationLimit}
	if err := subjectFilters(q.Room, q.Category); err != nil {
		return q, err
	}
	if q.Level != "" && !slices.Contains(api.Levels(), q.Level) {
		return q, fmt.Errorf("level %q: want one of %s", q.Level, strings.Join(api.Levels(), ", "))
	}
	if s := v.Get("since"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return q, fmt.Errorf("since %q: want an RFC 3339 time such as 2025-05-01T20:00:00Z", s)
		}
		q.Since = t
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > api.MaxEscalationLimit {
			return q, fmt.Errorf("limit %q: want a whole number from 1 to %d", l, api.MaxEscalationLimit)
		}
		q.Limit = n
	}
	return q, nil
}

func wireEscalation(e alerter.Escalation) api.Escalation {
	return api.Escalation{Schema: e.Schema, ID: e.ID, At: e.At, Room: e.Room, Anchor: e.Anchor, Merchant: e.Merchant,
		Session: e.Session, Level: e.Level, RuleID: e.RuleID, Category: e.Category, Severity: e.Severity,
		Count: e.Count, WindowSeconds: e.WindowSeconds, AlertIDs: e.AlertIDs, Text: e.Text}
}

// escalationEvent names an escalation message of a feed, or rejects it
// when it does not decode or keep (the feed's filter).
func escalationEvent(m *nats.Msg, keep func(alerter.Escalation) bool) (string, string, bool) {
	e, err := alerter.DecodeEscalation(m.Data)
	if err != nil || !keep(e) {
		return "", "", false
	}
	return api.EventEscalation, e.ID, true
}
