package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/authtest"
	"github.com/earshot/earshot/reports"
)

// noReports is a fake reports stage: it refuses everything as unavailable
// (the real one runs on NATS: e2e/reports_test.go).
type noReports struct{}

func (noReports) Submit(context.Context, string, string, reports.Request) (alerter.Report, error) {
	return alerter.Report{}, reports.ErrUnavailable
}
func (noReports) Room(string) (reports.RoomReports, bool)   { return reports.RoomReports{}, false }
func (noReports) Corroboration(string) (reports.Link, bool) { return reports.Link{}, false }
func (noReports) ClosePoll(context.Context, string, string) (reports.Poll, error) {
	return reports.Poll{}, reports.ErrNoPoll
}
func (noReports) OpenPoll(context.Context, alerter.Alert, string, reports.PollRequest) (reports.Poll, error) {
	return reports.Poll{}, reports.ErrUnavailable
}
func (noReports) PollOf(context.Context, string) (reports.Poll, bool, error) {
	return reports.Poll{}, false, nil
}
func (noReports) RoomPoll(context.Context, string, string) (reports.Poll, error) {
	return reports.Poll{}, reports.ErrNoPoll
}
func (noReports) Vote(context.Context, string, string, string, string) (reports.Poll, error) {
	return reports.Poll{}, reports.ErrNoPoll
}

// TestReportBodiesRefused: bad report bodies are refused with their codes
// before the stage is asked; a viewer token is needed.
func TestReportBodiesRefused(t *testing.T) {
	opts := fullOptions(t, false)
	srv := New(opts)
	viewer := authtest.Mint(t, handlerKey(), auth.Request{Role: api.RoleViewer, Viewer: "v1"})
	cases := []struct {
		body string
		code api.Code
	}{
		{`{"at_ms": -1, "category": "other"}`, api.CodeBadMoment},
		{`{"at_ms": "soon", "category": "other"}`, api.CodeBadMoment},
		{`{"at_ms": 99999999999999, "category": "other"}`, api.CodeMomentAhead},
		{`{"at_ms": 1, "category": "gossip"}`, api.CodeUnknownCategory},
		{`{"at_ms": 1, "category": "other", "text": "` + strings.Repeat("x", 300) + `"}`, api.CodeReportText},
		{`{"at_ms": 1, "category": "other", "who": "me"}`, api.CodeBadReport},
		{`{"at_ms": 1, "category": "other"}`, api.CodeReports}, // the fake stage is unavailable
	}
	for _, tc := range cases {
		code, body := call(t, srv, http.MethodPost, "/v1/rooms/r1/reports", viewer, tc.body)
		if code != tc.code.Status() || !strings.Contains(body, `"`+string(tc.code)+`"`) {
			t.Errorf("%.50s: %d %s, want %s", tc.body, code, body, tc.code)
		}
	}
	compliance := authtest.Token(t, handlerKey(), api.RoleCompliance, "")
	if code, _ := call(t, srv, http.MethodPost, "/v1/rooms/r1/reports", compliance, `{"at_ms": 1, "category": "other"}`); code != http.StatusForbidden {
		t.Errorf("a compliance token reported: %d", code)
	}
}

// call sends one JSON request to srv and returns the status and body.
func call(t *testing.T, srv http.Handler, method, path, token, body string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}
