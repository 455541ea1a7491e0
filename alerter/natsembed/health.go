package natsembed

import (
	"context"
	"errors"
	"fmt"
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
	defer h.mu.Unlock()
	if time.Since(h.at) < healthTTL {
		return h.errs, h.err
	}
	h.at = time.Now()
	hs := s.ns.Healthz(&server.HealthzOptions{Details: true})
	h.errs, h.err = hs.Errors, nil
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
