package alerter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Format selects how a Writer renders alerts.
type Format int

const (
	// JSONLines writes one Alert JSON object per line.
	JSONLines Format = iota
	// Text writes one human-readable line per alert.
	Text
)

// Writer is a Sink that writes alerts to an io.Writer, for `earshot scan`
// and other runs without NATS. It has no cooldown and no deduplication.
type Writer struct {
	mu     sync.Mutex
	w      io.Writer
	format Format
	now    func() time.Time
	closed bool
}

// NewWriter returns a Writer on w. Close does not close w.
func NewWriter(w io.Writer, format Format) *Writer {
	return &Writer{w: w, format: format, now: time.Now}
}

// Send validates a, fills in Schema, ID and At when empty, and writes it.
func (s *Writer) Send(ctx context.Context, a Alert) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("alerter: writer send: %w", err)
	}
	if err := a.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("alerter: writer send: %w", ErrClosed)
	}
	a = Fill(a, s.now())
	line, err := s.render(a)
	if err != nil {
		return fmt.Errorf("alerter: writer render: %w", err)
	}
	if _, err := s.w.Write(line); err != nil {
		return fmt.Errorf("alerter: writer write: %w", err)
	}
	return nil
}

func (s *Writer) render(a Alert) ([]byte, error) {
	if s.format == Text {
		return fmt.Appendf(nil, "%s %s room=%s rule=%s category=%s severity=%s matched=%q via=%s utt=%d final=%t: %s\n",
			a.At.UTC().Format(time.RFC3339Nano), a.ID, a.Room, a.RuleID, a.Category, a.Severity,
			a.MatchedText, a.Via, a.Utterance, a.Final, a.Reminder), nil
	}
	b, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Close stops further sends.
func (s *Writer) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

// ErrClosed is returned by Send after Close.
var ErrClosed = errors.New("sink closed")

// Fill returns a with Schema set to SchemaVersion and, when empty, ID set to
// NewID(now) and At set to now.
func Fill(a Alert, now time.Time) Alert {
	a.Schema = SchemaVersion
	if a.At.IsZero() {
		a.At = now
	}
	if a.ID == "" {
		a.ID = NewID(now)
	}
	return a
}

// Multi sends every alert to each sink in order and joins their errors. A
// failing sink does not stop the others.
type Multi []Sink

// Send implements Sink.
// Schema, ID and At are filled in once, so every sink sees the same alert.
func (m Multi) Send(ctx context.Context, a Alert) error {
	a = Fill(a, time.Now())
	var errs []error
	for _, s := range m {
		if err := s.Send(ctx, a); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Close closes every sink and joins their errors.
func (m Multi) Close() error {
	var errs []error
	for _, s := range m {
		if err := s.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
