package natsink

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
)

// ErrReminder is wrapped by Send when the alert was stored but its reminder
// could not be published. Sending the alert again will not remind: the
// stream drops it as a duplicate.
var ErrReminder = errors.New("reminder not published")

// Query selects alerts from the log.
type Query struct {
	// Room and Category filter when set; both must be valid subject tokens.
	Room, Category string
	// Since, when set, skips alerts stored before it.
	Since time.Time
	// Before, when set, skips alerts stored at or after this stream
	// sequence: the Page.Before of the previous page, for the next older.
	Before uint64
	// Limit keeps the newest Limit alerts; default 100, at most MaxLimit.
	Limit int
}

// Query limits.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
	fetchBatch   = 256
)

// Log reads alerts back from the EARSHOT_ALERTS stream. It is safe for
// concurrent use.
type Log struct {
	js   jetstream.JetStream
	opts Options
}

// NewLog returns a reader over the alert stream, for processes that read
// alerts without sending them. The stream must exist (see New).
func NewLog(nc *nats.Conn, opts Options) (*Log, error) {
	if nc == nil {
		return nil, fmt.Errorf("natsink: nil *nats.Conn")
	}
	opts = opts.withDefaults()
	js, err := jetstream.New(nc, jetstream.WithDefaultTimeout(opts.Timeout))
	if err != nil {
		return nil, fmt.Errorf("natsink: jetstream: %w", err)
	}
	return newLog(js, opts), nil
}

func newLog(js jetstream.JetStream, opts Options) *Log {
	return &Log{js: js, opts: opts}
}

// deleteConsumer removes the ephemeral consumer; if that fails the server
// drops it after its inactive threshold anyway.
func (l *Log) deleteConsumer(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), l.opts.Timeout)
	defer cancel()
	if err := l.js.DeleteConsumer(ctx, alerter.AlertStream, name); err != nil {
		l.opts.Logger.Debug("delete read consumer", "name", name, "err", err)
	}
}

func (q Query) filter() (string, error) {
	room, cat := "*", "*"
	if q.Room != "" {
		if err := alerter.ValidRoomID(q.Room); err != nil {
			return "", fmt.Errorf("natsink: query: %w", err)
		}
		room = q.Room
	}
	if q.Category != "" {
		if err := alerter.ValidCategory(q.Category); err != nil {
			return "", fmt.Errorf("natsink: query: %w", err)
		}
		cat = q.Category
	}
	return alerter.AlertSubject(cat, room), nil
}

func (q Query) limit() int {
	switch {
	case q.Limit <= 0:
		return DefaultLimit
	case q.Limit > MaxLimit:
		return MaxLimit
	default:
		return q.Limit
	}
}

func (q Query) consumerConfig(filter string) jetstream.ConsumerConfig {
	cfg := jetstream.ConsumerConfig{
		FilterSubject:     filter,
		AckPolicy:         jetstream.AckNonePolicy,
		DeliverPolicy:     jetstream.DeliverAllPolicy,
		InactiveThreshold: time.Minute,
		MemoryStorage:     true,
	}
	if !q.Since.IsZero() {
		since := q.Since
		cfg.DeliverPolicy = jetstream.DeliverByStartTimePolicy
		cfg.OptStartTime = &since
	}
	return cfg
}

// ring keeps the last size values pushed.
type ring[T any] struct {
	buf   []T
	size  int
	start int // oldest element once len(buf) == size
}

func newRing[T any](size int) *ring[T] { return &ring[T]{size: size} }

func (r *ring[T]) push(v T) {
	if len(r.buf) < r.size {
		r.buf = append(r.buf, v)
		return
	}
	r.buf[r.start] = v
	r.start = (r.start + 1) % r.size
}

// slice returns the values oldest first.
func (r *ring[T]) slice() []T {
	out := make([]T, 0, len(r.buf))
	return append(append(out, r.buf[r.start:]...), r.buf[:r.start]...)
}
