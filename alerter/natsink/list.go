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

// Page is one page of the alert log, oldest first. Before, when not zero,
// is the cursor of the next older page (Query.Before); zero means there is
// nothing older that matches.
type Page struct {
	Alerts []alerter.Alert
	Before uint64
}

// Alerts returns the newest q.Limit alerts matching q, oldest first (Page
// without its cursor).
func (l *Log) Alerts(ctx context.Context, q Query) ([]alerter.Alert, error) {
	p, err := l.Page(ctx, q)
	return p.Alerts, err
}

// Page returns the newest q.Limit alerts matching q, oldest first, reading
// the stream backwards from its end (or from q.Before) in windows of
// sequence numbers that grow four-fold, each read by a consumer that
// starts at the window: the work is about the alerts returned, not the
// stream's length. A query for one room first asks the stream how many
// messages its subjects hold, and reads them in one window when they are
// few. Messages that do not decode as alerts are skipped and logged.
func (l *Log) Page(ctx context.Context, q Query) (Page, error) {
	filter, err := q.filter()
	if err != nil {
		return Page{}, err
	}
	ctx, cancel := withTimeout(ctx, l.opts.Timeout)
	defer cancel()
	fail := func(err error) (Page, error) { return Page{}, fmt.Errorf("natsink: read alerts %s: %w", filter, err) }
	stream, err := l.js.Stream(ctx, alerter.AlertStream)
	if err != nil {
		return fail(err)
	}
	st := stream.CachedInfo().State
	if st.Msgs == 0 {
		return Page{}, nil
	}
	lo, hi := st.FirstSeq, st.LastSeq
	if q.Before > 0 {
		hi = min(hi, q.Before-1)
	}
	if !q.Since.IsZero() {
		if q.Since.After(time.Now().Add(lookupSlack)) {
			// Nothing is stored in the future; and a start time past 2262
			// overflows the server's nanoseconds and starts at the first alert.
			// The stream's timestamps are the server's clock, not Options.Now
			// (the cooldown's clock, which tests set to another year).
			return Page{}, nil
		}
		seq, ok, err := l.seqAt(ctx, q.Since)
		if err != nil {
			return fail(err)
		}
		if !ok {
			return Page{}, nil // nothing stored since
		}
		lo = max(lo, seq)
	}
	limit := q.limit()
	span := uint64(limit) // unfiltered: every sequence is an alert
	if filter != alerter.AlertSubjects {
		span *= 4
		if q.Room != "" {
			if n, err := subjectCount(ctx, stream, filter); err == nil && n <= uint64(limit) {
				span = hi - lo + 1 // few enough: one window over everything
			}
		}
	}
	var out []alerter.Alert
	oldest := uint64(0)
	for lo <= hi && len(out) < limit {
		start := lo
		if hi-lo+1 > span {
			start = hi - span + 1
		}
		got, first, err := l.window(ctx, filter, start, hi, limit-len(out))
		if err != nil {
			return fail(err)
		}
		if len(got) > 0 {
			out, oldest = append(got, out...), first
		}
		if start == lo {
			break
		}
		hi, span = start-1, span*4
	}
	p := Page{Alerts: out}
	if len(out) == limit && oldest > lo {
		p.Before = oldest
	}
	return p, nil
}

// window reads the alerts of filter stored at sequences start..hi and
// returns the newest want of them, oldest first, with the sequence of the
// first one returned.
func (l *Log) window(ctx context.Context, filter string, start, hi uint64, want int) ([]alerter.Alert, uint64, error) {
	cfg := jetstream.ConsumerConfig{
		FilterSubject: filter, AckPolicy: jetstream.AckNonePolicy,
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: start,
		InactiveThreshold: time.Minute, MemoryStorage: true,
	}
	cons, err := l.js.CreateConsumer(ctx, alerter.AlertStream, cfg)
	if err != nil {
		return nil, 0, err
	}
	defer l.deleteConsumer(cons.CachedInfo().Name)
	type stored struct {
		a   alerter.Alert
		seq uint64
	}
	r := newRing[stored](want)
	for pending := cons.CachedInfo().NumPending; pending > 0; {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		batch, err := cons.FetchNoWait(int(min(uint64(fetchBatch), hi-start+1)))
		if err != nil {
			return nil, 0, err
		}
		n, past := 0, false
		for msg := range batch.Messages() {
			n++
			md, err := msg.Metadata()
			if err != nil {
				continue
			}
			pending = md.NumPending
			if md.Sequence.Stream > hi {
				past = true
				continue
			}
			a, err := alerter.DecodeAlert(msg.Data())
			if err != nil {
				l.opts.Logger.Warn("skipping undecodable alert", "subject", msg.Subject(), "err", err)
				continue
			}
			r.push(stored{a, md.Sequence.Stream})
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
			return nil, 0, err
		}
		if n == 0 || past {
			break
		}
	}
	kept := r.slice()
	if len(kept) == 0 {
		return nil, 0, nil
	}
	out := make([]alerter.Alert, len(kept))
	for i, k := range kept {
		out[i] = k.a
	}
	return out, kept[0].seq, nil
}

// seqAt is the sequence of the first alert stored at or after t.
func (l *Log) seqAt(ctx context.Context, t time.Time) (uint64, bool, error) {
	cons, err := l.js.CreateConsumer(ctx, alerter.AlertStream, jetstream.ConsumerConfig{
		AckPolicy: jetstream.AckNonePolicy, DeliverPolicy: jetstream.DeliverByStartTimePolicy, OptStartTime: &t,
		InactiveThreshold: time.Minute, MemoryStorage: true,
	})
	if err != nil {
		return 0, false, err
	}
	defer l.deleteConsumer(cons.CachedInfo().Name)
	if cons.CachedInfo().NumPending == 0 {
		return 0, false, nil
	}
	batch, err := cons.FetchNoWait(1)
	if err != nil {
		return 0, false, err
	}
	for msg := range batch.Messages() {
		if md, err := msg.Metadata(); err == nil {
			return md.Sequence.Stream, true, nil
		}
	}
	if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
		return 0, false, err
	}
	return 0, false, nil
}

// subjectCount is how many messages the stream holds on subjects matching
// filter (a room's: at most one subject per category).
func subjectCount(ctx context.Context, stream jetstream.Stream, filter string) (uint64, error) {
	info, err := stream.Info(ctx, jetstream.WithSubjectFilter(filter))
	if err != nil {
		return 0, err
	}
	var n uint64
	for _, c := range info.State.Subjects {
		n += c
	}
	return n, nil
}
