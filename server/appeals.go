package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/appeal"
	"github.com/earshot/earshot/alerter/cases"
	"github.com/earshot/earshot/alerter/disposition"
	"github.com/earshot/earshot/api"
)

// AppealStore keeps anchors' appeals (*appeal.Store).
type AppealStore interface {
	File(ctx context.Context, a alerter.Alert, anchor, reason string) (alerter.Appeal, error)
	Decide(ctx context.Context, alertID, outcome, by, note string) (alerter.Appeal, error)
	Get(ctx context.Context, alertID string) (alerter.Appeal, error)
	List(ctx context.Context, state string) ([]alerter.Appeal, error)
}

func appealError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, appeal.ErrExists):
		writeError(w, api.CodeAlreadyAppealed, err.Error())
	case errors.Is(err, appeal.ErrNotFound):
		writeError(w, api.CodeUnknownAppeal, err.Error())
	case errors.Is(err, appeal.ErrDecided):
		writeError(w, api.CodeAppealDecided, err.Error())
	case errors.Is(err, appeal.ErrInvalid):
		writeError(w, api.CodeBadAppeal, err.Error())
	default:
		writeError(w, api.CodeAppeals, err.Error())
	}
}

// postAppeal files an appeal of a confirmed alert. The guard admitted any
// anchor (api.Access.RoomAnchor): only here is the alert's room known, so
// only here is an anchor of another room refused.
func (s *Server) postAppeal(w http.ResponseWriter, r *http.Request) {
	var req api.AppealRequest
	if !readStrict(w, r, &req, api.CodeBadAppeal) {
		return
	}
	if err := appeal.ValidateReason(req.Reason); err != nil {
		writeError(w, api.CodeBadAppeal, err.Error())
		return
	}
	c, ok := claimsOf(r)
	if !ok {
		writeError(w, api.CodeUnauthorized, "an appeal needs the anchor token of the alert's room")
		return
	}
	a, ok := s.findAlert(w, r)
	if !ok {
		return
	}
	if c.Role == api.RoleAnchor && c.Room != a.Room {
		writeError(w, api.CodeForbidden, fmt.Sprintf("the anchor token of room %s may not appeal an alert of room %s: only that room's anchor may", c.Room, a.Room))
		return
	}
	d, err := s.opts.Dispositions.Get(r.Context(), a.ID)
	switch {
	case errors.Is(err, disposition.ErrNotFound):
		writeError(w, api.CodeNotConfirmed, "alert "+a.ID+" has not been reviewed yet: only a confirmed alert can be appealed")
		return
	case err != nil:
		writeError(w, api.CodeDispositions, err.Error())
		return
	case d.Decision != disposition.Confirmed:
		writeError(w, api.CodeNotConfirmed, fmt.Sprintf("alert %s is %s, not confirmed: only a confirmed alert can be appealed", a.ID, d.Decision))
		return
	}
	ap, err := s.opts.Appeals.File(r.Context(), a, "", req.Reason)
	if err != nil {
		appealError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, wireAppeal(ap))
}

func (s *Server) listAppeals(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r.URL.Query(), "state"); err != nil {
		writeError(w, api.CodeBadQuery, err.Error())
		return
	}
	aps, err := s.opts.Appeals.List(r.Context(), r.URL.Query().Get("state"))
	if errors.Is(err, appeal.ErrInvalid) {
		writeError(w, api.CodeBadQuery, err.Error())
		return
	}
	if err != nil {
		appealError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, api.AppealList{Appeals: list(aps, wireAppeal)})
}

// decideAppeal records staff's outcome; an overturned appeal dismisses the
// alert first (a new disposition revision), so the appeal never says
// overturned while the alert still reads confirmed.
func (s *Server) decideAppeal(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := disposition.ValidAlertID(id); err != nil {
		writeError(w, api.CodeBadAlertID, err.Error())
		return
	}
	var req api.AppealDecisionRequest
	if !readStrict(w, r, &req, api.CodeBadAppeal) {
		return
	}
	if req.Outcome != alerter.AppealUpheld && req.Outcome != alerter.AppealOverturned {
		writeError(w, api.CodeBadAppeal, fmt.Sprintf("outcome %q: want upheld or overturned", req.Outcome))
		return
	}
	by, ok := reviewer(w, r)
	if !ok {
		return
	}
	ap, err := s.opts.Appeals.Get(r.Context(), id)
	if err == nil && ap.State != alerter.AppealPending {
		err = fmt.Errorf("appeal of %s: %w (%s by %s)", id, appeal.ErrDecided, ap.State, ap.DecidedBy)
	}
	if err != nil {
		appealError(w, err)
		return
	}
	if req.Outcome == alerter.AppealOverturned {
		a, ok := s.findAlert(w, r)
		if !ok {
			return
		}
		note := "appeal overturned"
		if req.Note != "" {
			note += ": " + req.Note
		}
		if _, err := s.opts.Dispositions.Record(r.Context(), a, disposition.Request{Decision: disposition.Dismissed, Note: note, By: by}); err != nil {
			writeError(w, api.CodeDispositions, err.Error())
			return
		}
	}
	if ap, err = s.opts.Appeals.Decide(r.Context(), id, req.Outcome, by, req.Note); err != nil {
		appealError(w, err)
		return
	}
	s.noteAppeal(r.Context(), ap)
	writeJSON(w, http.StatusOK, wireAppeal(ap))
}

// noteAppeal records the outcome on the alert's case too, so the case
// (confirmed as a whole) says which of its alerts an appeal overturned.
// The appeal is decided already: a failure here is logged.
func (s *Server) noteAppeal(ctx context.Context, ap alerter.Appeal) {
	if s.opts.Cases == nil {
		return
	}
	id, err := s.opts.Cases.CaseOf(ctx, ap.AlertID)
	if err == nil {
		text := fmt.Sprintf("appeal of alert %s (%s): %s", ap.AlertID, ap.RuleID, ap.State)
		if ap.Note != "" {
			text += ": " + ap.Note
		}
		_, err = s.opts.Cases.AddNote(ctx, id, ap.DecidedBy, text)
	}
	if err != nil && !errors.Is(err, cases.ErrNotFound) {
		s.opts.Logger.Warn("appeal decided but not noted on its case", "alert", ap.AlertID, "err", err)
	}
}
