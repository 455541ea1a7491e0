package escalation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsink"
)

// Bucket is the KV bucket of counts and heeded deadlines.
const Bucket = "EARSHOT_ESCALATION"

// bucketTTL keeps an entry past the longest window a policy may have
// (lexicon.MaxEscalationWindow, 24 h): every entry is rewritten at each
// reminder, so only counts and deadlines of the past expire.
const bucketTTL = 25 * time.Hour

// Options configure a Tracker.
type Options struct {
	// Policy resolves the policy of an alert's leading hit; required.
	Policy func(alerter.Alert) Policy
	// Replicas of the bucket (clustered servers); default 1.
	Replicas int
	// MaxBytes bounds the bucket (0: no bound; the service sizes it).
	MaxBytes int64
	// SweepEvery is how often due heeded deadlines and unpublished
	// escalations are fired; default 1 s.
	SweepEvery time.Duration
	// Timeout bounds each NATS call; default 5 s.
	Timeout time.Duration
	// Now is the clock of the sweeper; default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Stats count what a Tracker did; none is per room.
type Stats struct {
	// Escalations by level: published by this process (a duplicate the
	// stream dropped is not counted).
	Staff, StopSuggested atomic.Uint64
	// Heeded reminders published by this process.
	Heeded atomic.Uint64
	// Cancelled heeded deadlines: the rule was broken again in time.
	Cancelled atomic.Uint64
	// Errors: NATS calls that failed (the work is retried by the sweep
	// when it can be: outboxes and deadlines stay in the bucket).
	Errors atomic.Uint64
}

// Tracker is the escalation stage of one scanner process. It is safe for
// concurrent use.
type Tracker struct {
	js    jetstream.JetStream
	kv    jetstream.KeyValue
	opts  Options
	log   *slog.Logger
	stats Stats

	mu  sync.Mutex
	due map[string]dueEntry // mirror of the bucket's work (sweep.go)

	stop context.CancelFunc
	done chan struct{}
}

// Open makes or joins the bucket and starts watching it for due work.
func Open(ctx context.Context, nc *nats.Conn, opts Options) (*Tracker, error) {
	if nc == nil || opts.Policy == nil {
		return nil, errors.New("escalation: Open needs a connection and a Policy")
	}
	if opts.SweepEvery <= 0 {
		opts.SweepEvery = time.Second
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	js, err := jetstream.New(nc, jetstream.WithDefaultTimeout(opts.Timeout))
	if err != nil {
		return nil, fmt.Errorf("escalation: jetstream: %w", err)
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: Bucket, Description: "earshot escalation counts and heeded-reminder deadlines", History: 1,
		TTL: bucketTTL, Replicas: max(opts.Replicas, 1), Storage: jetstream.FileStorage,
		MaxBytes: opts.MaxBytes, MaxValueSize: 64 << 10,
	})
	if err != nil {
		return nil, fmt.Errorf("escalation: bucket %s: %w", Bucket, err)
	}
	t := &Tracker{js: js, kv: kv, opts: opts, log: opts.Logger, due: map[string]dueEntry{}, done: make(chan struct{})}
	// The watch lives as long as the Tracker, not as long as ctx (which
	// bounds Open only).
	wctx, stop := context.WithCancel(context.Background())
	w, err := kv.WatchAll(wctx)
	if err != nil {
		stop()
		return nil, fmt.Errorf("escalation: watching %s: %w", Bucket, err)
	}
	t.stop = stop
	go t.run(wctx, w)
	return t, nil
}

// Stats are the Tracker's counters.
func (t *Tracker) Stats() *Stats { return &t.stats }

// Close stops the sweep; work due later is fired by another scanner or
// after a restart.
func (t *Tracker) Close() {
	t.stop()
	<-t.done
}

// Observe is told of an alert the alert stream stored for the first time,
// once the sink decided whether it reminded the anchor (reminded) at now.
// It never fails the alert: what cannot be done now is logged, counted and,
// when it was written to the bucket, retried by the sweep.
func (t *Tracker) Observe(ctx context.Context, a alerter.Alert, reminded bool, now time.Time) {
	// The rules a was about are broken again: their heeded deadlines are
	// cancelled, or fired when they had passed already (the sweep was late).
	for _, h := range a.AllHits() {
		t.settleHeeded(ctx, heededKey(a.Room, h.RuleID), now)
	}
	if !reminded {
		return
	}
	p := t.opts.Policy(a)
	if p.Staff > 0 || p.StopSuggested > 0 {
		t.count(ctx, a, p, now)
	}
	if p.Heeded > 0 {
		t.expectHeeded(ctx, a, p, now)
	}
}

// count records a's reminder in its tally (compare-and-set, retried on a
// concurrent write) and publishes the levels it crossed.
func (t *Tracker) count(ctx context.Context, a alerter.Alert, p Policy, now time.Time) {
	key := countKey(a, p)
	var crossed []alerter.Escalation
	err := t.update(ctx, key, func(tl *tally) bool {
		crossed = tl.record(key, a, p, now)
		return true
	})
	if err != nil {
		t.stats.Errors.Add(1)
		t.log.Warn("escalation count not stored", "room", a.Room, "rule", a.RuleID, "err", err)
		return
	}
	t.flush(ctx, key, crossed)
}

// flush publishes escalations from key's outbox and clears those that
// went out.
func (t *Tracker) flush(ctx context.Context, key string, es []alerter.Escalation) {
	sent := map[string]bool{}
	for _, e := range es {
		dup, err := t.publish(ctx, alerter.EscalationSubject(e.Room), e.ID, e)
		if err != nil {
			t.stats.Errors.Add(1)
			t.log.Warn("escalation not published; the sweep retries it", "room", e.Room, "level", e.Level, "err", err)
			continue
		}
		sent[e.ID] = true
		if dup {
			continue
		}
		if e.Level == alerter.LevelStaff {
			t.stats.Staff.Add(1)
		} else {
			t.stats.StopSuggested.Add(1)
		}
		t.log.Info("escalation", "room", e.Room, "level", e.Level, "rule", e.RuleID, "count", e.Count)
	}
	if len(sent) == 0 {
		return
	}
	if err := t.update(ctx, key, func(tl *tally) bool {
		n := len(tl.Outbox)
		tl.drop(sent)
		return len(tl.Outbox) != n
	}); err != nil {
		t.log.Debug("outbox not cleared; the sweep publishes it again (stored once)", "err", err)
	}
}

// update applies f to key's tally with compare-and-set, retrying when
// another scanner wrote in between; f returns false to write nothing.
func (t *Tracker) update(ctx context.Context, key string, f func(*tally) bool) error {
	var err error
	for range 8 {
		var tl tally
		var rev uint64
		e, gerr := t.kv.Get(ctx, key)
		switch {
		case gerr == nil:
			if jerr := json.Unmarshal(e.Value(), &tl); jerr != nil {
				tl = tally{} // unreadable: start again rather than block the count forever
			}
			rev = e.Revision()
		case errors.Is(gerr, jetstream.ErrKeyNotFound):
		default:
			return gerr
		}
		if !f(&tl) {
			return nil
		}
		data, merr := json.Marshal(tl)
		if merr != nil {
			return merr
		}
		if rev == 0 {
			_, err = t.kv.Create(ctx, key, data)
		} else {
			_, err = t.kv.Update(ctx, key, data, rev)
		}
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return err
		}
	}
	return fmt.Errorf("escalation: %s kept changing: %w", key, err)
}

// pendingHeeded is a heeded deadline in the bucket.
type pendingHeeded struct {
	Deadline time.Time      `json:"deadline"`
	Event    alerter.Heeded `json:"event"`
}

// expectHeeded leaves the deadline of a's reminder in the bucket.
func (t *Tracker) expectHeeded(ctx context.Context, a alerter.Alert, p Policy, now time.Time) {
	ph := pendingHeeded{Deadline: now.Add(p.Heeded), Event: alerter.Heeded{
		Schema: alerter.SchemaVersion, At: now.Add(p.Heeded), Room: a.Room, Anchor: a.Anchor, Merchant: a.Merchant,
		AlertID: a.ID, RuleID: a.RuleID, Category: a.Category, RemindedAt: now, WindowSeconds: int(p.Heeded / time.Second),
	}}
	data, err := json.Marshal(ph)
	if err == nil {
		_, err = t.kv.Put(ctx, heededKey(a.Room, a.RuleID), data)
	}
	if err != nil {
		t.stats.Errors.Add(1)
		t.log.Warn("heeded deadline not stored", "room", a.Room, "rule", a.RuleID, "err", err)
	}
}

// settleHeeded ends key's deadline because its rule was broken at now:
// cancelled if it had not passed, fired if it had.
func (t *Tracker) settleHeeded(ctx context.Context, key string, now time.Time) {
	e, err := t.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return
	}
	if err != nil {
		t.stats.Errors.Add(1)
		t.log.Warn("heeded deadline not read", "key", key, "err", err)
		return
	}
	var ph pendingHeeded
	if json.Unmarshal(e.Value(), &ph) == nil && !now.Before(ph.Deadline) {
		t.fireHeeded(ctx, key, e.Revision(), ph)
		return
	}
	if err := t.kv.Delete(ctx, key, jetstream.LastRevision(e.Revision())); err == nil {
		t.stats.Cancelled.Add(1)
	}
	// a failed delete means someone else rewrote or fired it: theirs stands
}

// fireHeeded publishes ph and then deletes its deadline if it is still
// revision rev (another scanner may have fired it first: the stream keeps
// one copy).
func (t *Tracker) fireHeeded(ctx context.Context, key string, rev uint64, ph pendingHeeded) {
	h := ph.Event
	if err := alerter.ValidRoomID(h.Room); err != nil {
		_ = t.kv.Delete(ctx, key, jetstream.LastRevision(rev))
		return
	}
	dup, err := t.publish(ctx, alerter.HeededSubject(h.Room), HeededID(h.AlertID), h)
	if err != nil {
		t.stats.Errors.Add(1)
		t.log.Warn("heeded reminder not published; retried at the next sweep", "room", h.Room, "err", err)
		return
	}
	if !dup {
		t.stats.Heeded.Add(1)
	}
	_ = t.kv.Delete(ctx, key, jetstream.LastRevision(rev))
	t.forget(key, rev)
}

// publish stores v in the event stream under subject with Nats-Msg-Id id;
// duplicate reports that the stream had it already.
func (t *Tracker) publish(ctx context.Context, subject, id string, v any) (duplicate bool, err error) {
	msg, err := natsink.NewMsg(subject, v)
	if err != nil {
		return false, err
	}
	ack, err := t.js.PublishMsg(ctx, msg, jetstream.WithMsgID(id), jetstream.WithExpectStream(alerter.EventStream))
	if err != nil {
		return false, fmt.Errorf("escalation: publish %s: %w", subject, err)
	}
	return ack.Duplicate, nil
}
