package api

import (
	"context"
	"net/http"
	"time"
)

// Readiness is GET /readyz's JSON, with status 200 when every check passes
// and 503 when one does not. /healthz only says the process answers;
// /readyz says whether it can do its work: store alerts, match with a
// lexicon, keep transcripts.
type Readiness struct {
	// Status is "ready" or "unready".
	Status string  `json:"status"`
	Checks []Check `json:"checks"`
}

// Readiness statuses.
const (
	StatusReady   = "ready"
	StatusUnready = "unready"
)

// Check is one part of the service and whether it can work now.
type Check struct {
	// Name: jetstream, alert_stream, lexicon, transcripts, rooms.
	Name string `json:"name"`
	OK   bool   `json:"ok"`
	// Error says why not, when not OK.
	Error string `json:"error,omitempty"`
	// Notices are what an operator must know even while the part works:
	// a damaged transcript partition moved aside, JetStream messages
	// found lost at start, a damaged file set aside.
	Notices []Notice `json:"notices,omitempty"`
}

// Notice kinds.
const (
	// NoticeQuarantined: damaged data was moved aside (Path) and the part
	// goes on without it.
	NoticeQuarantined = "quarantined"
	// NoticeLost: data was found missing at start (Subject names the
	// stream).
	NoticeLost = "lost"
	// NoticeRecovered: damaged data was found at start and everything it
	// held came back (a stream whose metadata was unreadable, created
	// again over its message blocks).
	NoticeRecovered = "recovered"
)

// Notice is one thing an operator must know about a check.
type Notice struct {
	Kind string `json:"kind"`
	// Subject is what it is about: a partition's day, a stream, a file.
	Subject string `json:"subject"`
	// Path is where the set-aside data is, for quarantines.
	Path    string    `json:"path,omitempty"`
	Message string    `json:"message"`
	At      time.Time `json:"at"`
}

// Failing lists the checks that did not pass.
func (r Readiness) Failing() []Check {
	var out []Check
	for _, c := range r.Checks {
		if !c.OK {
			out = append(out, c)
		}
	}
	return out
}

// Check returns the check named name.
func (r Readiness) Check(name string) (Check, bool) {
	for _, c := range r.Checks {
		if c.Name == name {
			return c, true
		}
	}
	return Check{}, false
}

// Ready calls GET /readyz. A server that is not ready answers 503 with a
// Readiness too: Ready returns it with a nil error (see Status, Failing).
func (c *Client) Ready(ctx context.Context) (Readiness, error) {
	var r Readiness
	return r, c.do(ctx, request{method: http.MethodGet, path: "/readyz", out: &r, alsoOK: http.StatusServiceUnavailable})
}
