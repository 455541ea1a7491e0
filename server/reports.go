package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/reports"
)

// Reports takes viewers' reports and runs polls (*reports.Service).
type Reports interface {
	Submit(ctx context.Context, viewer, room string, req reports.Request) (alerter.Report, error)
	Room(room string) (reports.RoomReports, bool)
	Corroboration(alertID string) (reports.Link, bool)
	OpenPoll(ctx context.Context, a alerter.Alert, by string, req reports.PollRequest) (reports.Poll, error)
	ClosePoll(ctx context.Context, alertID, by string) (reports.Poll, error)
	PollOf(ctx context.Context, alertID string) (reports.Poll, bool, error)
	RoomPoll(ctx context.Context, room, viewer string) (reports.Poll, error)
	Vote(ctx context.Context, viewer, room, pollID, option string) (reports.Poll, error)
}

// viewerOf returns the viewer id of the request's viewer token (an admin
// token reports as a viewer of its own, "admin." and a hash of its
// subject, to try the routes); on failure it has answered.
func viewerOf(w http.ResponseWriter, r *http.Request) (string, bool) {
	c, ok := claimsOf(r)
	if ok && c.Role == api.RoleAdmin {
		return "admin." + reports.Reporter(c.Subject), true
	}
	if !ok || c.Role != api.RoleViewer || c.Viewer == "" {
		writeError(w, api.CodeNotViewer, r.Method+" "+r.URL.Path+" takes a viewer token: its viewer is who reports or votes")
		return "", false
	}
	return c.Viewer, true
}

// readSmall reads a bounded JSON body; on failure it has answered.
func readSmall(w http.ResponseWriter, r *http.Request, limit int64, code api.Code) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, api.CodeTooLarge, fmt.Sprintf("body exceeds %d bytes", tooBig.Limit))
		} else {
			writeError(w, code, "reading body: "+err.Error())
		}
		return nil, false
	}
	return body, true
}

func (s *Server) postReport(w http.ResponseWriter, r *http.Request) {
	room := r.PathValue("room")
	if err := alerter.ValidRoomID(room); err != nil {
		writeError(w, api.CodeBadRoom, err.Error())
		return
	}
	viewer, ok := viewerOf(w, r)
	if !ok {
		return
	}
	body, ok := readSmall(w, r, reports.MaxBody, api.CodeBadReport)
	if !ok {
		return
	}
	req, err := reports.DecodeRequest(body)
	if err != nil {
		reportError(w, err)
		return
	}
	rep, err := s.opts.Reports.Submit(r.Context(), viewer, room, req)
	if err != nil {
		reportError(w, err)
		return
	}
	writeJSON(w, http.StatusAccepted, api.ReportAccepted{ID: rep.ID, Room: rep.Room, AtMs: rep.AtMs, Category: rep.Category})
}

// reportError answers a report or poll error with its code.
func reportError(w http.ResponseWriter, err error) {
	var rate *reports.RateError
	if errors.As(err, &rate) {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(rate.RetryAfter.Seconds()))))
		writeError(w, api.CodeRateLimited, err.Error())
		return
	}
	for _, m := range []struct {
		err  error
		code api.Code
	}{
		{reports.ErrBody, api.CodeBadReport}, {reports.ErrTime, api.CodeBadMoment}, {reports.ErrFuture, api.CodeMomentAhead},
		{reports.ErrCategory, api.CodeUnknownCategory}, {reports.ErrText, api.CodeReportText},
		{reports.ErrDuplicate, api.CodeDuplicateReport}, {reports.ErrBadPoll, api.CodeBadPoll},
		{reports.ErrPollExists, api.CodePollExists}, {reports.ErrPollOpen, api.CodePollOpen}, {reports.ErrNoPoll, api.CodeNoPoll},
		{reports.ErrPollClosed, api.CodePollClosed}, {reports.ErrVoted, api.CodeAlreadyVoted}, {reports.ErrBadOption, api.CodeBadVote},
	} {
		if errors.Is(err, m.err) {
			writeError(w, m.code, err.Error())
			return
		}
	}
	writeError(w, api.CodeReports, err.Error())
}

func (s *Server) postPoll(w http.ResponseWriter, r *http.Request) {
	body, ok := readSmall(w, r, 4<<10, api.CodeBadPoll)
	if !ok {
		return
	}
	req, err := reports.DecodePollRequest(body)
	if err != nil {
		reportError(w, err)
		return
	}
	a, ok := s.findAlert(w, r)
	if !ok {
		return
	}
	c, _ := claimsOf(r)
	p, err := s.opts.Reports.OpenPoll(r.Context(), a, c.Subject, req)
	if err != nil {
		reportError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, wirePoll(p))
}

func (s *Server) closePoll(w http.ResponseWriter, r *http.Request) {
	a, ok := s.findAlert(w, r)
	if !ok {
		return
	}
	c, _ := claimsOf(r)
	p, err := s.opts.Reports.ClosePoll(r.Context(), a.ID, c.Subject)
	if err != nil {
		reportError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, wirePoll(p))
}

func (s *Server) getRoomPoll(w http.ResponseWriter, r *http.Request) {
	room := r.PathValue("room")
	if err := alerter.ValidRoomID(room); err != nil {
		writeError(w, api.CodeBadRoom, err.Error())
		return
	}
	c, _ := claimsOf(r)
	p, err := s.opts.Reports.RoomPoll(r.Context(), room, c.Viewer)
	if err != nil {
		reportError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, wirePoll(p))
}

func (s *Server) postVote(w http.ResponseWriter, r *http.Request) {
	room := r.PathValue("room")
	if err := alerter.ValidRoomID(room); err != nil {
		writeError(w, api.CodeBadRoom, err.Error())
		return
	}
	viewer, ok := viewerOf(w, r)
	if !ok {
		return
	}
	body, ok := readSmall(w, r, 1<<10, api.CodeBadVote)
	if !ok {
		return
	}
	var v api.VoteRequest
	err := decodeStrict(bytes.NewReader(body), &v)
	switch {
	case err == nil && v.Poll == "":
		err = errors.New("poll is missing")
	case err == nil && v.Option == "":
		err = errors.New("option is missing")
	}
	if err != nil {
		writeError(w, api.CodeBadVote, fmt.Sprintf("want {\"poll\": \"ID\", \"option\": \"...\"}: %v", err))
		return
	}
	p, err := s.opts.Reports.Vote(r.Context(), viewer, room, v.Poll, v.Option)
	if err != nil {
		reportError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, wirePoll(p))
}

// withReports adds what viewers said to alert views: corroboration (from
// memory) and, with polls, each alert's poll.
func (s *Server) withReports(ctx context.Context, vs []api.AlertView, polls bool) {
	if s.opts.Reports == nil {
		return
	}
	for i := range vs {
		if l, ok := s.opts.Reports.Corroboration(vs[i].ID); ok && vs[i].Category != alerter.CategoryViewerReports && l.Reports > 0 {
			vs[i].Corroboration = &api.Corroboration{Reports: l.Reports, Weight: math.Round(l.Weight*1e4) / 1e4, ViewerAlertID: l.ViewerAlert}
		}
		if polls {
			if p, ok, err := s.opts.Reports.PollOf(ctx, vs[i].ID); err == nil && ok {
				wp := wirePoll(p)
				vs[i].Poll = &wp
			}
		}
	}
}

// roomReports is the room's report figures for its status.
func (s *Server) roomReports(room string) *api.RoomReports {
	if s.opts.Reports == nil {
		return nil
	}
	st, ok := s.opts.Reports.Room(room)
	if !ok {
		return nil
	}
	return &api.RoomReports{Reports: st.Reports, Flooded: st.Flooded, Floods: st.Floods, Flood: st.Flood,
		FloodUntil: st.FloodUntil, NewReporters: st.NewReporters, Alerts: st.Alerts}
}

func wirePoll(p reports.Poll) api.Poll {
	return api.Poll{ID: p.ID, AlertID: p.AlertID, Room: p.Room, Question: p.Question, Options: p.Options, State: p.State,
		OpenedBy: p.OpenedBy, OpenedAt: p.OpenedAt, ClosedBy: p.ClosedBy, ClosedAt: p.ClosedAt, Votes: p.Votes,
		Counts: p.Counts, Voted: p.Voted}
}

func wireReports(s *alerter.ReportsSummary) *api.ReportsSummary {
	if s == nil {
		return nil
	}
	return &api.ReportsSummary{Reports: s.Reports, Reporters: s.Reporters, Weight: s.Weight, Threshold: s.Threshold,
		NewReporters: s.NewReporters, Flooded: s.Flooded, FromMs: s.FromMs, ToMs: s.ToMs, Categories: s.Categories,
		Texts: s.Texts, Corroborates: s.Corroborates,
		Transcript: each(s.Transcript, func(l alerter.TranscriptLine) api.TranscriptLine {
			return api.TranscriptLine{Utterance: l.Utterance, StartMs: l.StartMs, EndMs: l.EndMs, Text: l.Text}
		})}
}
