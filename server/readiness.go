package server

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/earshot/earshot/api"
)

// Readier is a part of the service that can tell whether it can do its
// work now: nil, or why not (the transcript store, the alert sink, the
// embedded NATS server, the lexicon).
type Readier interface {
	Ready(ctx context.Context) error
}

// ReadyCheck is one check of GET /readyz.
type ReadyCheck struct {
	Name  string
	Check Readier
	// Notices, when set, lists what an operator must know even while the
	// part works: quarantined partitions, messages lost at rest.
	Notices func() []api.Notice
}

// readyTimeout bounds one /readyz: a check that hangs is a failing check.
const readyTimeout = 3 * time.Second

// readyz runs every check at once and answers 200 when all pass, 503 with
// each failing check's reason otherwise. It needs no token: it reveals
// which parts work, not what they hold.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	out := api.Readiness{Status: api.StatusReady, Checks: make([]api.Check, len(s.opts.Ready))}
	var wg sync.WaitGroup
	for i, c := range s.opts.Ready {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out.Checks[i] = runCheck(ctx, c)
		}()
	}
	wg.Wait()
	status := http.StatusOK
	if len(out.Failing()) > 0 {
		out.Status, status = api.StatusUnready, http.StatusServiceUnavailable
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, out)
}

func runCheck(ctx context.Context, c ReadyCheck) api.Check {
	out := api.Check{Name: c.Name, OK: true}
	done := make(chan error, 1)
	go func() { done <- c.Check.Ready(ctx) }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		out.OK, out.Error = false, err.Error()
	}
	if c.Notices != nil {
		out.Notices = c.Notices()
	}
	return out
}
