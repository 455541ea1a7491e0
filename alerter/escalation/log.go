package escalation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
)

// Query filters Log.Escalations; zero fields do not filter.
type Query struct {
	Room, Level, Category string
	// Since is where reading starts (required: escalations are read
	// forward from it, and the caller bounds how far back).
	Since time.Time
	// Limit keeps the newest Limit escalations (required, > 0).
	Limit int
}

// maxScan bounds one listing: escalations are rare (a few per anchor and
// day), so this many since Since means Since is too far back.
const maxScan = 200_000

// ErrTooMany is returned when more than maxScan escalations match the
// subject since Query.Since: the caller narrows the query (a later Since,
// a room) rather than get a listing that misses the newest.
var ErrTooMany = errors.New("escalation: too many escalations since the start of the listing")

// Log reads the escalations stored in the event stream.
type Log struct{ js jetstream.JetStream }

// NewLog reads through js.
func NewLog(js jetstream.JetStream) *Log { return &Log{js: js} }

// Escalations returns the newest q.Limit escalations stored since q.Since
// that match q, oldest first. Only the room filter is a subject filter;
// level and category are checked per message.
func (l *Log) Escalations(ctx context.Context, q Query) ([]alerter.Escalation, error) {
	if q.Limit <= 0 || q.Since.IsZero() {
		return nil, errors.New("escalation: a listing needs Since and a Limit")
	}
	if q.Since.After(time.Now().Add(time.Minute)) {
		// Nothing is stored in the future; and a start time past 2262
		// overflows the server's nanoseconds and starts at the first one.
		return nil, nil
	}
	room := "*"
	if q.Room != "" {
		if err := alerter.ValidRoomID(q.Room); err != nil {
			return nil, err
		}
		room = q.Room
	}
	subject := alerter.EscalationSubject(room)
	fail := func(err error) ([]alerter.Escalation, error) {
		return nil, fmt.Errorf("escalation: read %s: %w", subject, err)
	}
	c, err := l.js.OrderedConsumer(ctx, alerter.EventStream, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{subject}, DeliverPolicy: jetstream.DeliverByStartTimePolicy, OptStartTime: &q.Since,
		// one listing's consumer: gone soon after, not after the default 5 min
		InactiveThreshold: 10 * time.Second,
	})
	if err != nil {
		return fail(err)
	}
	var out []alerter.Escalation
	for scanned := 0; scanned <= maxScan; {
		batch, err := c.FetchNoWait(500)
		if err != nil {
			return fail(err)
		}
		n, last := 0, false
		for m := range batch.Messages() {
			n++
			var e alerter.Escalation
			if json.Unmarshal(m.Data(), &e) == nil && q.matches(e) {
				out = append(out, e)
				if len(out) > q.Limit {
					out = out[1:]
				}
			}
			if md, err := m.Metadata(); err == nil && md.NumPending == 0 {
				last = true
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) {
			return fail(err)
		}
		scanned += n
		if last || n == 0 {
			return out, nil
		}
	}
	return nil, fmt.Errorf("%w (more than %d on %s)", ErrTooMany, maxScan, subject)
}

func (q Query) matches(e alerter.Escalation) bool {
	return (q.Level == "" || e.Level == q.Level) && (q.Category == "" || e.Category == q.Category) &&
		(q.Room == "" || e.Room == q.Room)
}
