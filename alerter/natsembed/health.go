package natsembed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// healthTTL is how long one health reading answers: StreamWritable sits in
// front of every alert, and a reading walks the store's directories.
const healthTTL = 200 * time.Millisecond

// health caches the server's own health report.
type health struct {
	mu   sync.Mutex
	at   time.Time
	errs []server.HealthzError
	err  error // the report as one error; nil when healthy
	// unrecovered is when each stream was first reported "could not be
	// recovered" in a row of readings (settle).
	unrecovered map[string]time.Time
}

// recoverGrace is how long a stream may read "could not be recovered"
// before it counts: nats-server's Healthz says so of any stream whose
// directory exists while the account does not know the stream, which is
// also every stream for the moment between its directory's creation and
// its registration (and its deletion and the directory's removal). A
// stream the start-up ledger found missing (it did not load) counts at
// once; any other really lost stays so, and is reported a second later.
const recoverGrace = time.Second

// settle drops the "could not be recovered" errors of streams first
// reported so less than recoverGrace ago, unless missing (by stream name:
// Healthz names the account by its key, the ledger by its name) says the
// stream did not load at start (h.mu held).
func (h *health) settle(errs []server.HealthzError, now time.Time, missing map[string]bool) []server.HealthzError {
	seen := map[string]time.Time{}
	out := errs[:0:0]
	for _, e := range errs {
		if unrecovered(e) && !missing[e.Stream] {
			key := e.Account + " > " + e.Stream
			first, ok := h.unrecovered[key]
			if !ok {
				first = now
			}
			seen[key] = first
			if now.Sub(first) < recoverGrace {
				continue
			}
		}
		out = append(out, e)
	}
	h.unrecovered = seen
	return out
}

func unrecovered(e server.HealthzError) bool {
	return e.Type == server.HealthzErrorStream && strings.Contains(e.Error, "could not be recovered")
}

// missingAtStart are the names of the streams the start-up ledger found
// missing and that are not back yet.
func (s *Server) missingAtStart() map[string]bool {
	out := map[string]bool{}
	for _, l := range s.Losses() {
		if l.Missing && l.Found == (Holding{}) {
			out[l.Stream] = true
		}
	}
	return out
}

// Ready reports whether JetStream is up and every stream it holds loaded
// and writable, with the server's own reasons when not (nats-server's
// Healthz: "JetStream stream 'A > S' write error: ... no space left on
// device", "... could not be recovered", "JetStream not enabled").
func (s *Server) Ready(context.Context) error {
	_, err := s.healthz()
	return err
}

// StreamWritable reports whether the server knows the stream cannot store
// right now (JetStream off, or a write error on the stream), so a sink can
// refuse at once, naming why, instead of waiting for a publish that will
// not be answered. A missing stream is not reported: whoever owns the
// stream recreates it.
func (s *Server) StreamWritable(_ context.Context, stream string) error {
	errs, err := s.healthz()
	if err == nil {
		return nil
	}
	for _, e := range errs {
		switch {
		case e.Type == server.HealthzErrorJetStream:
			return fmt.Errorf("%w: %s", ErrNotWritable, e.Error)
		case e.Stream == stream && isWriteErr(e.Error):
			return fmt.Errorf("%w: %s", ErrNotWritable, e.Error)
		}
	}
	return nil
}

// ErrNotWritable is wrapped by StreamWritable's errors.
var ErrNotWritable = errors.New("JetStream cannot store")

func isWriteErr(msg string) bool { return strings.Contains(msg, "write error") }

// healthz reads (or reuses) the server's health report: every problem it
// lists, and all of them as one error (nil when healthy).
func (s *Server) healthz() ([]server.HealthzError, error) {
	h := &s.health
	h.mu.Lock()
	if time.Since(h.at) < healthTTL {
		defer h.mu.Unlock()
		return h.errs, h.err
	}
	h.mu.Unlock()
	// Read outside h.mu: the ledger's lock is never held with it (two
	// readers at once both read; the last one's reading is kept).
	hs := s.ns.Healthz(&server.HealthzOptions{Details: true})
	var missing map[string]bool
	if slices.ContainsFunc(hs.Errors, unrecovered) {
		missing = s.missingAtStart()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.at = time.Now()
	h.errs, h.err = h.settle(hs.Errors, h.at, missing), nil
	if hs.Status != "ok" && len(hs.Errors) == 0 {
		h.errs = []server.HealthzError{{Type: server.HealthzErrorJetStream, Error: hs.Error}}
	}
	if len(h.errs) > 0 {
		msgs := make([]string, len(h.errs))
		for i, e := range h.errs {
			msgs[i] = e.Error
		}
		h.err = fmt.Errorf("natsembed: %s", strings.Join(msgs, "; "))
	}
	return h.errs, h.err
}

// forgetHealth drops the cached report (after a JetStream restart).
func (s *Server) forgetHealth() {
	s.health.mu.Lock()
	s.health.at = time.Time{}
	s.health.mu.Unlock()
}
