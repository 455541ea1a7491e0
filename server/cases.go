package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/earshot/earshot/alerter/cases"
	"github.com/earshot/earshot/alerter/disposition"
	"github.com/earshot/earshot/api"
)

// CaseStore is the case queue (*cases.Store).
type CaseStore interface {
	List(f cases.Filter) ([]cases.Case, int, error)
	Get(ctx context.Context, id string) (cases.Case, error)
	Assign(ctx context.Context, id, by string) (cases.Case, error)
	AddNote(ctx context.Context, id, by, text string) (cases.Case, error)
	Decide(ctx context.Context, id string, state cases.State, by, note string, covered []string) (cases.Case, error)
	Stats() []cases.CategoryStats
	Window() time.Duration
	// CaseOf names the case an alert is in.
	CaseOf(ctx context.Context, alertID string) (string, error)
}

// maxCaseBody bounds a case or appeal request body.
const maxCaseBody = 64 << 10

// readStrict decodes one JSON object with only v's fields into v. On
// failure it has answered: 413 too_large for a body over maxCaseBody,
// else code naming what is wrong.
func readStrict(w http.ResponseWriter, r *http.Request, v any, code api.Code) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCaseBody))
	if err != nil {
		bodyError(w, err, code, "body")
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, code, "body is not the request object: "+err.Error())
		return false
	}
	if dec.More() {
		writeError(w, code, "body has data after the JSON object")
		return false
	}
	return true
}

// caseError answers a case store error with its code.
func caseError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, cases.ErrNotFound):
		writeError(w, api.CodeUnknownCase, err.Error())
	case errors.Is(err, cases.ErrDecided):
		writeError(w, api.CodeCaseDecided, err.Error())
	case errors.Is(err, cases.ErrInvalid):
		writeError(w, api.CodeBadCase, err.Error())
	default:
		writeError(w, api.CodeCases, err.Error())
	}
}

// caseID validates {id}; on failure it has answered.
func caseID(w http.ResponseWriter, r *http.Request) (string, bool) {
	id := r.PathValue("id")
	if err := cases.ValidID(id); err != nil {
		writeError(w, api.CodeBadCaseID, err.Error())
		return "", false
	}
	return id, true
}

// reviewer is the token's subject, who assigns, notes and decides.
func reviewer(w http.ResponseWriter, r *http.Request) (string, bool) {
	c, ok := claimsOf(r)
	if !ok {
		writeError(w, api.CodeUnauthorized, "this route records who acts: send a token")
		return "", false
	}
	return c.Subject, true
}

func (s *Server) listCases(w http.ResponseWriter, r *http.Request) {
	f, err := caseFilter(r)
	if err != nil {
		writeError(w, api.CodeBadQuery, err.Error())
		return
	}
	cs, total, err := s.opts.Cases.List(f)
	if err != nil {
		caseError(w, err)
		return
	}
	now := time.Now()
	out := make([]api.Case, len(cs))
	for i, c := range cs {
		out[i] = wireQueueCase(c, now)
	}
	writeJSON(w, http.StatusOK, api.CaseList{Cases: out, Total: total, WindowSeconds: int(s.opts.Cases.Window().Seconds())})
}

var caseParams = []string{"category", "room", "anchor", "merchant", "assignee", "state", "age", "min_age", "limit"}

func caseFilter(r *http.Request) (cases.Filter, error) {
	v := r.URL.Query()
	if err := onlyParams(v, caseParams...); err != nil {
		return cases.Filter{}, err
	}
	f := cases.Filter{Category: v.Get("category"), Room: v.Get("room"), Anchor: v.Get("anchor"),
		Merchant: v.Get("merchant"), Assignee: v.Get("assignee"), State: v.Get("state")}
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{{"age", &f.MaxAge}, {"min_age", &f.MinAge}} {
		if s := v.Get(d.name); s != "" {
			x, err := time.ParseDuration(s)
			if err != nil || x <= 0 {
				return f, fmt.Errorf("%s %q: want a positive duration such as 30m or 2h", d.name, s)
			}
			*d.dst = x
		}
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > cases.MaxLimit {
			return f, fmt.Errorf("limit %q: want 1 to %d", s, cases.MaxLimit)
		}
		f.Limit = n
	}
	return f, f.Validate()
}

func (s *Server) getCase(w http.ResponseWriter, r *http.Request) {
	id, ok := caseID(w, r)
	if !ok {
		return
	}
	c, err := s.opts.Cases.Get(r.Context(), id)
	if err != nil {
		caseError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, s.caseView(r.Context(), c))
}

// getAlertCase is the case alert {id} is in (the alert page links to it).
func (s *Server) getAlertCase(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := disposition.ValidAlertID(id); err != nil {
		writeError(w, api.CodeBadAlertID, err.Error())
		return
	}
	cid, err := s.opts.Cases.CaseOf(r.Context(), id)
	if err == nil {
		var c cases.Case
		if c, err = s.opts.Cases.Get(r.Context(), cid); err == nil {
			writeJSON(w, http.StatusOK, s.caseView(r.Context(), c))
			return
		}
	}
	caseError(w, err)
}

// caseView is the case with each hit's newest disposition and appeal.
func (s *Server) caseView(ctx context.Context, c cases.Case) api.CaseView {
	v := api.CaseView{Case: wireQueueCase(c, time.Now()), Hits: list(c.Hits, wireCaseHit)}
	for i := range v.Hits {
		id := v.Hits[i].AlertID
		if s.opts.Dispositions != nil {
			if d, err := s.opts.Dispositions.Get(ctx, id); err == nil {
				wd := wireDisposition(d)
				v.Hits[i].Disposition = &wd
			}
		}
		if s.opts.Appeals != nil {
			if ap, err := s.opts.Appeals.Get(ctx, id); err == nil {
				wa := wireAppeal(ap)
				v.Hits[i].Appeal = &wa
			}
		}
	}
	return v
}

func (s *Server) assignCase(w http.ResponseWriter, r *http.Request) {
	var req api.CaseAssignRequest
	s.caseWrite(w, r, &req, http.StatusOK, func(ctx context.Context, id, by string) (cases.Case, error) {
		return s.opts.Cases.Assign(ctx, id, by)
	})
}

func (s *Server) noteCase(w http.ResponseWriter, r *http.Request) {
	var req api.CaseNoteRequest
	s.caseWrite(w, r, &req, http.StatusCreated, func(ctx context.Context, id, by string) (cases.Case, error) {
		return s.opts.Cases.AddNote(ctx, id, by, req.Text)
	})
}

// caseWrite reads {id} and the body into req, then answers what write
// did as the reviewer (the token's subject).
func (s *Server) caseWrite(w http.ResponseWriter, r *http.Request, req any, status int,
	write func(ctx context.Context, id, by string) (cases.Case, error)) {
	id, ok := caseID(w, r)
	if !ok {
		return
	}
	if !readStrict(w, r, req, api.CodeBadCase) {
		return
	}
	by, ok := reviewer(w, r)
	if !ok {
		return
	}
	c, err := write(r.Context(), id, by)
	if err != nil {
		caseError(w, err)
		return
	}
	writeJSON(w, status, wireQueueCase(c, time.Now()))
}

// caseDecision checks a decision and its note.
func caseDecision(decision, note string) (cases.State, error) {
	st := cases.State(decision)
	if st != cases.StateConfirmed && st != cases.StateDismissed {
		return "", fmt.Errorf("decision %q: want confirmed or dismissed", decision)
	}
	if len(note) > disposition.MaxNoteBytes {
		return "", fmt.Errorf("note: longer than %d bytes", disposition.MaxNoteBytes)
	}
	return st, nil
}

func (s *Server) decideCase(w http.ResponseWriter, r *http.Request) {
	id, ok := caseID(w, r)
	if !ok {
		return
	}
	var req api.CaseDecisionRequest
	if !readStrict(w, r, &req, api.CodeBadCase) {
		return
	}
	st, err := caseDecision(req.Decision, req.Note)
	if err != nil {
		writeError(w, api.CodeBadCase, err.Error())
		return
	}
	by, ok := reviewer(w, r)
	if !ok {
		return
	}
	c, err := s.opts.Cases.Get(r.Context(), id)
	if err == nil && c.Decided() {
		err = fmt.Errorf("case %s: %w (%s by %s)", id, cases.ErrDecided, c.State, c.DecidedBy)
	}
	if err != nil {
		caseError(w, err)
		return
	}
	if c, err = s.decide(r.Context(), c, st, by, req.Note); err != nil {
		if errors.Is(err, errDispositions) {
			writeError(w, api.CodeDispositions, err.Error())
			return
		}
		caseError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, s.caseView(r.Context(), c))
}

var errDispositions = errors.New("dispositions")

// decide records the decision on each of the case's alerts, through the
// dispositions store so that /v1/alerts shows it, and then on the case: a
// failure in between leaves the case open, to be decided again (the
// alerts' dispositions only gain a revision). A hit that joins the case
// meanwhile is recorded too before the case is decided (cases.ErrGrew).
func (s *Server) decide(ctx context.Context, c cases.Case, st cases.State, by, note string) (cases.Case, error) {
	if s.opts.Dispositions == nil {
		return c, fmt.Errorf("%w: alert review is not configured on this server", errDispositions)
	}
	dnote := note
	if dnote == "" {
		dnote = "case " + c.ID
	}
	var covered []string
	for range 3 {
		for _, h := range c.Hits {
			if slices.Contains(covered, h.AlertID) {
				continue
			}
			req := disposition.Request{Decision: disposition.Decision(st), Note: dnote, By: by}
			if _, err := s.opts.Dispositions.Record(ctx, c.Alert(h), req); err != nil {
				return c, fmt.Errorf("%w: alert %s: %w", errDispositions, h.AlertID, err)
			}
			covered = append(covered, h.AlertID)
		}
		decided, err := s.opts.Cases.Decide(ctx, c.ID, st, by, note, covered)
		if !errors.Is(err, cases.ErrGrew) {
			return decided, err
		}
		if c, err = s.opts.Cases.Get(ctx, c.ID); err != nil {
			return c, err
		}
	}
	return c, fmt.Errorf("case %s: hits kept joining while it was decided: try again", c.ID)
}

func (s *Server) decideCases(w http.ResponseWriter, r *http.Request) {
	var req api.BulkDecisionRequest
	if !readStrict(w, r, &req, api.CodeBadCase) {
		return
	}
	st, err := caseDecision(req.Decision, req.Note)
	if err == nil && (len(req.IDs) == 0 || len(req.IDs) > api.MaxBulkCases) {
		err = fmt.Errorf("ids: want 1 to %d case ids, got %d", api.MaxBulkCases, len(req.IDs))
	}
	if err != nil {
		writeError(w, api.CodeBadCase, err.Error())
		return
	}
	by, ok := reviewer(w, r)
	if !ok {
		return
	}
	ids := slices.Compact(slices.Sorted(slices.Values(req.IDs)))
	for _, id := range ids {
		if err := cases.ValidID(id); err != nil {
			writeError(w, api.CodeBadCaseID, err.Error())
			return
		}
	}
	// Read every case first: an unknown id decides none, so a mistyped
	// selection is not half applied.
	var todo []cases.Case
	var unknown, skipped []string
	for _, id := range ids {
		c, err := s.opts.Cases.Get(r.Context(), id)
		switch {
		case errors.Is(err, cases.ErrNotFound):
			unknown = append(unknown, id)
		case err != nil:
			caseError(w, err)
			return
		case c.Decided():
			skipped = append(skipped, id)
		default:
			todo = append(todo, c)
		}
	}
	if len(unknown) > 0 {
		writeError(w, api.CodeUnknownCase, "no case has id "+strings.Join(unknown, ", ")+": nothing was decided")
		return
	}
	res := api.BulkDecisionResult{Decided: []api.Case{}, Skipped: skipped}
	now := time.Now()
	for _, c := range todo {
		c, err := s.decide(r.Context(), c, st, by, req.Note)
		if errors.Is(err, cases.ErrDecided) { // someone else, just now
			res.Skipped = append(res.Skipped, c.ID)
			continue
		}
		if err != nil {
			msg := fmt.Sprintf("%v (decided before it: %d of %d)", err, len(res.Decided), len(todo))
			if errors.Is(err, errDispositions) {
				writeError(w, api.CodeDispositions, msg)
			} else {
				writeError(w, api.CodeCases, msg)
			}
			return
		}
		res.Decided = append(res.Decided, wireQueueCase(c, now))
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) caseStats(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, api.CaseStats{Categories: list(s.opts.Cases.Stats(), wireCaseStats)})
}
