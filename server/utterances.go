package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// maxUtteranceBytes bounds the text of one utterance; Limits bounds a
// batch in count and bytes.
const maxUtteranceBytes = 16 << 10

func (s *Server) postUtterances(w http.ResponseWriter, r *http.Request) {
	room, ok := roomFromRequest(w, r)
	if !ok {
		return
	}
	// limit has capped the body at Limits.MaxUtteranceBatch.
	us, err := decodeUtterances(r.Body, s.limits.MaxUtterances)
	if err != nil {
		bodyError(w, err, api.CodeBadUtterances, "the utterance batch")
		return
	}
	hs := make([]transcript.Hypothesis, len(us))
	for i, u := range us {
		hs[i] = transcript.Hypothesis{
			Text: u.Text, Final: u.Final == nil || *u.Final, Recognizer: "external",
			Start: time.Duration(u.StartMs) * time.Millisecond, End: time.Duration(u.EndMs) * time.Millisecond,
		}
	}
	alerts, err := s.opts.Rooms.Utterances(r.Context(), room, hs)
	if errors.Is(err, pipeline.ErrQueued) { // durably queued: accepted, alerts later
		writeJSON(w, http.StatusAccepted, api.UtterancesResult{Room: room.ID, Utterances: len(us), Alerts: []api.Alert{}, Queued: true, Reason: err.Error()})
		return
	}
	if errors.Is(err, alerter.ErrUnavailable) {
		w.Header().Set("Retry-After", "1")
		writeError(w, api.CodeAlertsRefused, err.Error())
		return
	}
	if err != nil {
		code := api.CodeNotDelivered
		if c := roomErrCode(err); c == api.CodeRoomLimit || c == api.CodeUnknownRoom {
			code = c // a cap or an unregistered room, not a delivery failure
		}
		writeError(w, code, err.Error())
		return
	}
	// Returning-violator alerts are compliance's alone: the platform that
	// posted the text is not told whom its anchor was linked to.
	alerts = slices.DeleteFunc(alerts, func(a alerter.Alert) bool { return a.Category == alerter.CategoryReturningViolator })
	writeJSON(w, http.StatusOK, api.UtterancesResult{Room: room.ID, Utterances: len(us), Alerts: list(alerts, wireAlert)})
}

// decodeUtterances accepts one object or an array of them.
func decodeUtterances(r io.Reader, maxUtterances int) ([]api.Utterance, error) {
	body, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading body: %w", err)
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, errors.New("body is empty: send {\"text\": ...} or an array of them")
	}
	var us []api.Utterance
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if body[0] == '[' {
		err = dec.Decode(&us)
	} else {
		var u api.Utterance
		err = dec.Decode(&u)
		us = []api.Utterance{u}
	}
	if err != nil {
		return nil, fmt.Errorf("body is not utterance JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("body has data after the JSON value")
	}
	if len(us) == 0 || len(us) > maxUtterances {
		return nil, fmt.Errorf("want 1 to %d utterances in one batch (http.limits.utterances_per_batch), got %d", maxUtterances, len(us))
	}
	for i, u := range us {
		if err := validUtterance(u); err != nil {
			return nil, fmt.Errorf("utterance [%d]: %w", i, err)
		}
	}
	return us, nil
}

func validUtterance(u api.Utterance) error {
	switch {
	case strings.TrimSpace(u.Text) == "":
		return errors.New("text: must not be empty")
	case len(u.Text) > maxUtteranceBytes:
		return fmt.Errorf("text: longer than %d bytes", maxUtteranceBytes)
	case !utf8.ValidString(u.Text):
		return errors.New("text: not valid UTF-8")
	case u.StartMs < 0 || u.EndMs < 0:
		return errors.New("start_ms, end_ms: must not be negative")
	case u.EndMs != 0 && u.EndMs < u.StartMs:
		return errors.New("end_ms: before start_ms")
	}
	return nil
}

func (s *Server) listAlerts(w http.ResponseWriter, r *http.Request) {
	q, err := alertQuery(r)
	if err != nil {
		writeError(w, api.CodeBadQuery, err.Error())
		return
	}
	page, err := s.opts.Alerts.Page(r.Context(), q)
	if err != nil {
		writeError(w, api.CodeAlertLog, err.Error())
		return
	}
	views := alertViews(page.Alerts)
	s.withReports(r.Context(), views, false)
	writeJSON(w, http.StatusOK, api.AlertList{Alerts: views, NextBefore: page.Before})
}

// alertViews are alerts without review data (no dispositions configured).
func alertViews(as []alerter.Alert) []api.AlertView {
	return list(as, func(a alerter.Alert) api.AlertView { return api.AlertView{Alert: wireAlert(a)} })
}

// alertParams are the parameters of GET /v1/alerts: another one is
// refused rather than ignored (a filter misspelt must not list everything).
var alertParams = []string{"room", "category", "limit", "before", "since", "disposition"}

func alertQuery(r *http.Request) (natsink.Query, error) {
	v := r.URL.Query()
	if err := onlyParams(v, alertParams...); err != nil {
		return natsink.Query{}, err
	}
	q := natsink.Query{Room: v.Get("room"), Category: v.Get("category")}
	if err := subjectFilters(q.Room, q.Category); err != nil {
		return q, err
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > api.MaxAlertLimit {
			return q, fmt.Errorf("limit %q: want a whole number from 1 to %d (older alerts: ?before= from next_before)", s, api.MaxAlertLimit)
		}
		q.Limit = n
	}
	if s := v.Get("before"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil || n == 0 {
			return q, fmt.Errorf("before %q: want the next_before of a previous page", s)
		}
		q.Before = n
	}
	if s := v.Get("since"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return q, fmt.Errorf("since %q: want RFC 3339 time, e.g. 2026-11-25T10:00:00Z", s)
		}
		q.Since = t
	}
	return q, nil
}
