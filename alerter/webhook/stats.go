package webhook

import "sync/atomic"

// Stats count this node's work since it started, for /metrics. None is
// per endpoint: endpoints are few, but a label per endpoint id would
// still be an id the operator does not choose.
type Stats struct {
	// Queued counts deliveries the fan-out queued; BacklogFull those it
	// could not, their endpoint's backlog being full.
	Queued, BacklogFull atomic.Uint64
	// Delivered, Retried, Failed and Interrupted count attempts by outcome:
	// 2xx; to be tried again; no more attempts; cut short by a shutdown.
	Delivered, Retried, Failed, Interrupted atomic.Uint64
}

// Stats returns the node's counters.
func (s *Service) Stats() *Stats { return &s.stats }

// Endpoints counts the endpoints this node knows.
func (s *Service) Endpoints() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.known)
}
