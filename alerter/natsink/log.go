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
	// Since, when set, skips alerts stored before it; it also bounds the
	// scan, so callers with large streams should set it.
	Since time.Time
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

// Alerts returns the newest q.Limit alerts matching q, oldest first. Messages
// in the stream that do not decode as alerts are skipped and logged.
func (l *Log) Alerts(ctx context.Context, q Query) ([]alerter.Alert, error) {
	filter, err := q.filter()
	if err != nil {
		return nil, err
	}
	ctx, cancel := withTimeout(ctx, l.opts.Timeout)
	defer cancel()
	cons, err := l.js.CreateConsumer(ctx, alerter.AlertStream, q.consumerConfig(filter))
	if err != nil {
		return nil, fmt.Errorf("natsink: read alerts %s: %w", filter, err)
	}
	defer l.deleteConsumer(cons.CachedInfo().Name)
	pending := cons.CachedInfo().NumPending
	r := newRing(q.limit())
	for pending > 0 {
		n, left, err := l.fetch(ctx, cons, r)
		if err != nil {
			return nil, fmt.Errorf("natsink: read alerts %s: %w", filter, err)
		}
		if n == 0 {
			break
		}
		pending = left
	}
	return r.slice(), nil
}

// fetch reads one batch into r; it returns how many messages came and how
// many the server still had pending after the last one.
func (l *Log) fetch(ctx context.Context, cons jetstream.Consumer, r *ring) (int, uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, 0, err
	}
	batch, err := cons.FetchNoWait(fetchBatch)
	if err != nil {
		return 0, 0, err
	}
	var n int
	var left uint64
	for msg := range batch.Messages() {
		n++
		if md, err := msg.Metadata(); err == nil {
			left = md.NumPending
		}
		a, err := alerter.DecodeAlert(msg.Data())
		if err != nil {
			l.opts.Logger.Warn("skipping undecodable alert", "subject", msg.Subject(), "err", err)
			continue
		}
		r.push(a)
	}
	if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
		return n, left, err
	}
	return n, left, nil
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

// ring keeps the last size alerts pushed.
type ring struct {
	buf   []alerter.Alert
	size  int
	start int // oldest element once len(buf) == size
}

func newRing(size int) *ring { return &ring{size: size} }

func (r *ring) push(a alerter.Alert) {
	if len(r.buf) < r.size {
		r.buf = append(r.buf, a)
		return
	}
	r.buf[r.start] = a
	r.start = (r.start + 1) % r.size
}

// slice returns the alerts oldest first.
func (r *ring) slice() []alerter.Alert {
	out := make([]alerter.Alert, 0, len(r.buf))
	return append(append(out, r.buf[r.start:]...), r.buf[:r.start]...)
}
