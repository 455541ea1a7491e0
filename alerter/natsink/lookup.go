package natsink

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
)

// ErrNotFound is returned by Alert when no stored alert has the id.
var ErrNotFound = errors.New("alert not found")

// lookupSlack is how long before the time in an alert id the scan starts:
// the id is made when the alert is filled in, and it is stored just after,
// but another writer's clock may be a little off.
const lookupSlack = 5 * time.Minute

// Alert finds the stored alert with id. Ids made by alerter.NewID carry
// their time, so the scan starts shortly before it; any other id scans the
// whole stream.
func (l *Log) Alert(ctx context.Context, id string) (alerter.Alert, error) {
	if id == "" || len(id) > 64 {
		return alerter.Alert{}, fmt.Errorf("natsink: alert id %q: want 1 to 64 bytes", id)
	}
	ctx, cancel := withTimeout(ctx, l.opts.Timeout)
	defer cancel()
	cfg := Query{}.consumerConfig(alerter.AlertSubjects)
	if t, ok := idTime(id); ok {
		if t.After(l.opts.Now().Add(lookupSlack)) {
			// An id from the future names nothing stored yet (and one past
			// year 9999 is no start time the server could be asked for).
			return alerter.Alert{}, fmt.Errorf("natsink: %s: %w (its time, %s, is ahead of now)", id, ErrNotFound, t.UTC().Format(time.RFC3339))
		}
		since := t.Add(-lookupSlack)
		cfg.DeliverPolicy, cfg.OptStartTime = jetstream.DeliverByStartTimePolicy, &since
	}
	cons, err := l.js.CreateConsumer(ctx, alerter.AlertStream, cfg)
	if err != nil {
		return alerter.Alert{}, fmt.Errorf("natsink: look up alert %s: %w", id, err)
	}
	defer l.deleteConsumer(cons.CachedInfo().Name)
	for pending := cons.CachedInfo().NumPending; pending > 0; {
		a, n, left, err := l.scan(ctx, cons, id)
		if err != nil {
			return alerter.Alert{}, fmt.Errorf("natsink: look up alert %s: %w", id, err)
		}
		if a.ID == id {
			return a, nil
		}
		if n == 0 {
			break
		}
		pending = left
	}
	return alerter.Alert{}, fmt.Errorf("natsink: %s: %w", id, ErrNotFound)
}

// scan reads one batch looking for id; it returns the alert if found, how
// many messages it read and how many the server still had pending after
// the last one.
func (l *Log) scan(ctx context.Context, cons jetstream.Consumer, id string) (alerter.Alert, int, uint64, error) {
	if err := ctx.Err(); err != nil {
		return alerter.Alert{}, 0, 0, err
	}
	batch, err := cons.FetchNoWait(fetchBatch)
	if err != nil {
		return alerter.Alert{}, 0, 0, err
	}
	var left uint64
	var n int
	for msg := range batch.Messages() {
		n++
		if md, err := msg.Metadata(); err == nil {
			left = md.NumPending
		}
		// Cheap test before decoding: the id appears verbatim in the JSON.
		if !strings.Contains(string(msg.Data()), id) {
			continue
		}
		if a, err := alerter.DecodeAlert(msg.Data()); err == nil && a.ID == id {
			return a, n, left, nil
		}
	}
	if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
		return alerter.Alert{}, n, left, err
	}
	return alerter.Alert{}, n, left, nil
}

// idTime decodes the millisecond time at the front of a ULID-layout id.
func idTime(id string) (time.Time, bool) {
	if len(id) != 26 {
		return time.Time{}, false
	}
	var ms uint64
	for i := 0; i < 10; i++ {
		v := strings.IndexByte(crockford, id[i])
		if v < 0 {
			return time.Time{}, false
		}
		ms = ms<<5 | uint64(v)
	}
	// 26 digits hold 130 bits for 128: the first 10 digits are two zero
	// bits and the 48 bits of Unix milliseconds.
	return time.UnixMilli(int64(ms)), true
}

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
