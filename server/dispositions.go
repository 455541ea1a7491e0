package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/disposition"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/api"
)

// Dispositions stores reviewers' decisions on alerts (*disposition.Store).
type Dispositions interface {
	Record(ctx context.Context, a alerter.Alert, req disposition.Request) (disposition.Disposition, error)
	Get(ctx context.Context, alertID string) (disposition.Disposition, error)
	History(ctx context.Context, alertID string) ([]disposition.Disposition, error)
	Latest(ctx context.Context) (map[string]disposition.Disposition, error)
}

// AlertLookup finds one stored alert by id (*natsink.Log); a missing alert
// is an error wrapping natsink.ErrNotFound.
type AlertLookup interface {
	Alert(ctx context.Context, id string) (alerter.Alert, error)
}

// findAlert validates {id} and looks the alert up; on failure it has
// answered.
func (s *Server) findAlert(w http.ResponseWriter, r *http.Request) (alerter.Alert, bool) {
	id := r.PathValue("id")
	if err := disposition.ValidAlertID(id); err != nil {
		writeError(w, api.CodeBadAlertID, err.Error())
		return alerter.Alert{}, false
	}
	if s.opts.Lookup == nil || s.opts.Dispositions == nil {
		writeError(w, api.CodeNoDispositions, "alert review is not configured on this server")
		return alerter.Alert{}, false
	}
	a, err := s.opts.Lookup.Alert(r.Context(), id)
	if errors.Is(err, natsink.ErrNotFound) {
		writeError(w, api.CodeUnknownAlert, fmt.Sprintf("no stored alert has id %q", id))
		return a, false
	}
	if err != nil {
		writeError(w, api.CodeAlertLog, err.Error())
		return a, false
	}
	return a, true
}

func (s *Server) getAlert(w http.ResponseWriter, r *http.Request) {
	a, ok := s.findAlert(w, r)
	if !ok {
		return
	}
	hist, err := s.opts.Dispositions.History(r.Context(), a.ID)
	if err != nil {
		writeError(w, api.CodeDispositions, err.Error())
		return
	}
	v := api.AlertView{Alert: wireAlert(a), History: each(hist, wireDisposition)}
	if len(hist) > 0 {
		last := wireDisposition(hist[len(hist)-1])
		v.Disposition = &last
	}
	vs := []api.AlertView{v}
	s.withReports(r.Context(), vs, true) // reports.go
	writeJSON(w, http.StatusOK, vs[0])
}

func (s *Server) postDisposition(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, disposition.MaxRequestBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, api.CodeTooLarge, fmt.Sprintf("body exceeds %d bytes", tooBig.Limit))
		} else {
			writeError(w, api.CodeBadDisposition, "reading body: "+err.Error())
		}
		return
	}
	if body, err = byToken(r, body); err != nil {
		writeError(w, api.CodeBadDisposition, err.Error())
		return
	}
	req, err := disposition.DecodeRequest(body)
	if err != nil {
		writeError(w, api.CodeBadDisposition, err.Error())
		return
	}
	a, ok := s.findAlert(w, r)
	if !ok {
		return
	}
	d, err := s.opts.Dispositions.Record(r.Context(), a, req)
	if err != nil {
		writeError(w, api.CodeDispositions, err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, wireDisposition(d))
}

// listAlertsReviewed is GET /v1/alerts with each alert's newest disposition
// and an optional ?disposition= filter (a decision, "none" or "any").
// Filtering reads up to natsink.MaxLimit alerts before keeping ?limit= of
// them, so it sees the newest MaxLimit alerts only.
func (s *Server) listAlertsReviewed(w http.ResponseWriter, r *http.Request) {
	want := r.URL.Query().Get("disposition")
	if s.opts.Dispositions == nil && want == "" {
		s.listAlerts(w, r)
		return
	}
	if want != "" && want != "none" && want != "any" && !disposition.Decision(want).Valid() {
		writeError(w, api.CodeBadQuery,
			fmt.Sprintf("disposition %q: want confirmed, dismissed, needs_review, none or any", want))
		return
	}
	if s.opts.Dispositions == nil {
		writeError(w, api.CodeNoDispositions, "alert review is not configured on this server")
		return
	}
	q, err := alertQuery(r)
	if err != nil {
		writeError(w, api.CodeBadQuery, err.Error())
		return
	}
	limit := q.Limit
	if want != "" {
		q.Limit = natsink.MaxLimit
	}
	page, err := s.opts.Alerts.Page(r.Context(), q)
	if err != nil {
		writeError(w, api.CodeAlertLog, err.Error())
		return
	}
	alerts := page.Alerts
	latest, err := s.opts.Dispositions.Latest(r.Context())
	if err != nil {
		writeError(w, api.CodeDispositions, err.Error())
		return
	}
	list := api.AlertList{Alerts: reviewed(alerts, latest, want, limit)}
	s.withReports(r.Context(), list.Alerts, false)
	if want == "" {
		list.NextBefore = page.Before // a filtered page is the newest MaxLimit alerts' matches only
	}
	writeJSON(w, http.StatusOK, list)
}

// reviewed joins alerts (oldest first) with their dispositions, keeps those
// matching want, and returns at most limit of the newest, oldest first.
func reviewed(alerts []alerter.Alert, latest map[string]disposition.Disposition, want string, limit int) []api.AlertView {
	out := make([]api.AlertView, 0, len(alerts))
	for _, a := range alerts {
		v := api.AlertView{Alert: wireAlert(a)}
		if d, ok := latest[a.ID]; ok {
			wd := wireDisposition(d)
			v.Disposition = &wd
		}
		if matchDecision(v.Disposition, want) {
			out = append(out, v)
		}
	}
	if limit <= 0 {
		limit = natsink.DefaultLimit
	}
	if len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out
}

func matchDecision(d *api.Disposition, want string) bool {
	switch want {
	case "":
		return true
	case "none":
		return d == nil
	case "any":
		return d != nil
	}
	return d != nil && string(d.Decision) == want
}

// byToken makes the token's subject the reviewer of a disposition body: a
// "by" that names someone else is refused rather than recorded, so the
// log never says a person decided what another did. A body that is not a
// JSON object is left for DecodeRequest to refuse.
func byToken(r *http.Request, body []byte) ([]byte, error) {
	c, ok := claimsOf(r)
	if !ok {
		return body, nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil || m == nil {
		return body, nil
	}
	if raw, ok := m["by"]; ok {
		var by string
		if err := json.Unmarshal(raw, &by); err == nil && by != "" && by != c.Subject {
			return nil, fmt.Errorf("by %q is not the token's subject %q: leave it out, the reviewer is whoever holds the token", by, c.Subject)
		}
	}
	m["by"], _ = json.Marshal(c.Subject)
	return json.Marshal(m)
}
