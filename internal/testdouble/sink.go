package testdouble

import (
	"context"
	"sync"

	"github.com/earshot/earshot/alerter"
)

// Sink is an alerter.Sink that keeps alerts in memory. It is safe for
// concurrent use; the zero value is ready.
type Sink struct {
	mu     sync.Mutex
	alerts []alerter.Alert
}

// Send records a.
func (m *Sink) Send(_ context.Context, a alerter.Alert) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.alerts = append(m.alerts, a)
	return nil
}

// Close does nothing: the alerts stay readable.
func (m *Sink) Close() error { return nil }

// List returns a copy of the alerts sent so far, in order.
func (m *Sink) List() []alerter.Alert {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]alerter.Alert(nil), m.alerts...)
}
