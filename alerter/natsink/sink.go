package natsink

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/spool"
)

// Sink is the NATS alerter.Sink. It is safe for concurrent use.
type Sink struct {
	nc   *nats.Conn
	js   jetstream.JetStream
	opts Options
	cool *cooldown
	log  *Log

	mu       sync.Mutex
	closed   bool
	inflight sync.WaitGroup

	observers *observers  // observe.go; nil without Options.Observer
	state     state       // health.go: faults, recreation
	pump      *spool.Pump // spool.go; nil without Options.Spool
	stopped   chan struct{}
	monitored chan struct{}
}

var _ alerter.Sink = (*Sink)(nil)

// New ensures the alert stream exists with the configured limits and returns
// a Sink publishing through nc. The Sink does not own nc.
func New(ctx context.Context, nc *nats.Conn, opts Options) (*Sink, error) {
	if nc == nil {
		return nil, fmt.Errorf("natsink: nil *nats.Conn")
	}
	opts = opts.withDefaults()
	js, err := jetstream.New(nc, jetstream.WithDefaultTimeout(opts.Timeout))
	if err != nil {
		return nil, fmt.Errorf("natsink: jetstream: %w", err)
	}
	ctx, cancel := withTimeout(ctx, opts.Timeout)
	defer cancel()
	if err := ensureStream(ctx, js, opts); err != nil {
		return nil, err
	}
	s := &Sink{
		nc:        nc,
		js:        js,
		opts:      opts,
		cool:      newCooldown(opts.RepeatReset, opts.MaxEntries),
		log:       newLog(js, opts),
		stopped:   make(chan struct{}),
		monitored: make(chan struct{}),
	}
	s.state.kick = make(chan struct{}, 1)
	if opts.Observer != nil {
		s.observers = newObservers(opts.Observer, opts.Timeout)
	}
	s.startSpool()
	go s.monitor()
	return s, nil
}

// Send stores a in the alert stream and returns once the stream acknowledged
// it. Empty Schema, ID and At are filled in. If the stream reports a
// duplicate (same room, rule and utterance) Send returns nil and sends no
// reminder; otherwise it publishes a Reminder unless the cooldown for the
// room and rule holds. An error wrapping ErrReminder means the alert is
// stored but the reminder could not be published.
//
// An error wrapping alerter.ErrUnavailable means the alert was not stored:
// the stream cannot take alerts now (the server says why: a full disk, say)
// and Send did not wait to find out again. A stream found missing is
// created again from the Sink's configuration and the alert stored in it.
func (s *Sink) Send(ctx context.Context, a alerter.Alert) error {
	if err := a.Validate(); err != nil {
		return fmt.Errorf("natsink: send: %w", err)
	}
	if !s.enter() {
		return fmt.Errorf("natsink: send: %w", alerter.ErrClosed)
	}
	defer s.inflight.Done()
	ctx, cancel := withTimeout(ctx, s.opts.Timeout)
	defer cancel()

	now := s.opts.Now()
	a = alerter.Fill(a, now)
	if s.spoolIfDown(a) { // NATS unreachable: on local disk, stored when it returns
		return nil
	}
	probe, err := s.admit(ctx)
	if err != nil {
		return fmt.Errorf("natsink: store alert %s: %w", a.ID, err)
	}
	shared := s.loadCooldown(a) // in parallel with the store: one round trip, not two, before the reminder
	dup, err := s.store(ctx, a)
	if streamMissing(err) {
		if rerr := s.recreate(ctx, "publish"); rerr == nil {
			dup, err = s.store(ctx, a)
		} else {
			err = fmt.Errorf("%w; recreating the stream: %w", err, rerr)
		}
	}
	if err != nil && s.spoolFailed(a, err) {
		s.endProbe(probe)
		return nil
	}
	if err := s.settle(ctx, probe, err); err != nil {
		return err
	}
	if dup || a.StaffOnly {
		return nil
	}
	led, reminded, err := s.remind(a, now, shared)
	if s.observers != nil {
		s.observers.observe(led, reminded, now)
	}
	return err
}

func (s *Sink) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.inflight.Add(1)
	return true
}

// store publishes a to the stream and waits for the ack.
func (s *Sink) store(ctx context.Context, a alerter.Alert) (duplicate bool, err error) {
	msg, err := NewMsg(alerter.AlertSubject(a.Category, a.Room), a)
	if err != nil {
		return false, err
	}
	ack, err := s.js.PublishMsg(ctx, msg,
		jetstream.WithMsgID(alerter.DedupKey(a)),
		jetstream.WithExpectStream(alerter.AlertStream))
	if err != nil {
		return false, fmt.Errorf("natsink: store alert %s in %s: %w", a.ID, msg.Subject, err)
	}
	if ack.Duplicate {
		s.opts.Logger.Debug("duplicate alert dropped", "room", a.Room, "rule", a.RuleID, "utterance", a.Utterance)
	}
	return ack.Duplicate, nil
}

// loadCooldown starts reading the shared cooldown of a's room and rule
// when the local table has no entry for it (a room this Sink has not
// reminded yet, or one it took over); the returned function waits for the
// answer. Nil when there is nothing to read.
func (s *Sink) loadCooldown(a alerter.Alert) func() (CooldownState, bool) {
	shared := s.opts.SharedCooldown
	if shared == nil || a.StaffOnly || s.cool.has(a.Room, a.RuleID) {
		return nil
	}
	type loaded struct {
		st CooldownState
		ok bool
	}
	ch := make(chan loaded, 1)
	s.inflight.Add(1) // Send holds one: Close is not waiting yet
	go func() {
		defer s.inflight.Done()
		ctx, cancel := context.WithTimeout(context.Background(), s.opts.Timeout)
		defer cancel()
		st, ok := shared.Load(ctx, a.Room, a.RuleID)
		ch <- loaded{st, ok}
	}()
	return func() (CooldownState, bool) { l := <-ch; return l.st, l.ok }
}

// remind publishes a Reminder for a unless the cooldown of every rule a
// broke holds; reminded says it went out. The reminder is led by a's most
// severe rule whose cooldown is open: an utterance that breaks a rule the
// anchor was just reminded of and a new one must still remind them of the
// new one. led is a led by that rule (a itself when none is open), the
// alert the escalation observer counts. shared, if not nil, gives the
// shared cooldown entry of a's leading rule.
func (s *Sink) remind(a alerter.Alert, now time.Time, shared func() (CooldownState, bool)) (led alerter.Alert, reminded bool, err error) {
	if shared != nil {
		if st, ok := shared(); ok {
			s.cool.seed(a.Room, a.RuleID, st)
		}
	}
	led, repeat, ok := s.takeCooldown(a, now)
	if !ok {
		return a, false, nil
	}
	if s.opts.SharedCooldown != nil {
		defer s.shareCooldown(led.Room, led.RuleID)
	}
	msg, err := NewMsg(alerter.ReminderSubject(led.Room), reminderFor(led, now, repeat))
	if err != nil {
		return led, false, err
	}
	if err := s.nc.PublishMsg(msg); err != nil {
		return led, false, fmt.Errorf("natsink: %w for alert %s: %w", ErrReminder, a.ID, err)
	}
	return led, true, nil
}

// maxRulesPerReminder bounds how many of one alert's rules are tried for a
// reminder, each a cooldown lookup (a shared-table read for a rule this
// Sink has not reminded of yet).
const maxRulesPerReminder = 8

// takeCooldown charges the cooldown of a's leading rule or, when it holds,
// of the next rule of a (most severe first) whose cooldown is open, and
// returns a led by that rule with its repeat number.
func (s *Sink) takeCooldown(a alerter.Alert, now time.Time) (alerter.Alert, int, bool) {
	if repeat, ok := s.cool.take(a.Room, a.RuleID, now, s.opts.cooldownFor(a)); ok {
		return a, repeat, true
	}
	tried := map[string]bool{a.RuleID: true}
	for _, h := range sortedHits(a.AllHits()) {
		if tried[h.RuleID] || len(tried) >= maxRulesPerReminder {
			continue
		}
		tried[h.RuleID] = true
		led := a.LedBy(h)
		s.seedShared(led.Room, led.RuleID)
		if repeat, ok := s.cool.take(led.Room, led.RuleID, now, s.opts.cooldownFor(led)); ok {
			return led, repeat, true
		}
	}
	return a, 0, false
}

// seedShared reads the shared cooldown of (room, rule) into the local table
// when the table has no entry for it; a rule other than an alert's leading
// one is rare enough to be read on the caller's path.
func (s *Sink) seedShared(room, rule string) {
	if s.opts.SharedCooldown == nil || s.cool.has(room, rule) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.Timeout)
	defer cancel()
	if st, ok := s.opts.SharedCooldown.Load(ctx, room, rule); ok {
		s.cool.seed(room, rule, st)
	}
}

// sortedHits is hits most severe first, in their order otherwise.
func sortedHits(hits []alerter.AlertHit) []alerter.AlertHit {
	out := slices.Clone(hits)
	slices.SortStableFunc(out, func(x, y alerter.AlertHit) int {
		return alerter.SeverityRank(y.Severity) - alerter.SeverityRank(x.Severity)
	})
	return out
}

// shareCooldown writes the cooldown entry of (room, rule) to the shared
// table off the caller's path: the scan role's partition need not wait a
// round trip per reminder for it. The next reminder of the same room and
// rule is a cooldown away, so writes of one entry do not overtake each
// other; Close waits for the write.
func (s *Sink) shareCooldown(room, rule string) {
	st := s.cool.state(room, rule)
	s.inflight.Add(1)
	go func() {
		defer s.inflight.Done()
		ctx, cancel := context.WithTimeout(context.Background(), s.opts.Timeout)
		defer cancel()
		if err := s.opts.SharedCooldown.Store(ctx, room, rule, st); err != nil {
			s.opts.Logger.Warn("cooldown not shared", "room", room, "rule", rule, "err", err)
		}
	}()
}

func reminderFor(a alerter.Alert, now time.Time, repeat int) alerter.Reminder {
	var also []alerter.ReminderHit
	for _, h := range a.AllHits() {
		if h.RuleID != a.RuleID {
			also = append(also, alerter.ReminderHit{RuleID: h.RuleID, Category: h.Category, Severity: h.Severity})
		}
	}
	return alerter.Reminder{
		Also:     also,
		Schema:   alerter.SchemaVersion,
		AlertID:  a.ID,
		At:       now,
		Room:     a.Room,
		RuleID:   a.RuleID,
		Category: a.Category,
		Severity: a.Severity,
		Text:     a.Reminder,
		Repeat:   repeat,
		StartMs:  a.StartMs,
	}
}

// NewMsg encodes v as JSON with earshot's headers (Earshot-Schema,
// Content-Type): every message earshot publishes is made here.
func NewMsg(subject string, v any) (*nats.Msg, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("natsink: encode %s: %w", subject, err)
	}
	msg := nats.NewMsg(subject)
	msg.Data = data
	msg.Header.Set(alerter.HeaderSchema, strconv.Itoa(alerter.SchemaVersion))
	msg.Header.Set(alerter.HeaderContentType, alerter.ContentTypeJSON)
	return msg, nil
}

// Log returns the reader over the stream this Sink writes to.
func (s *Sink) Log() *Log { return s.log }

// Alerts is s.Log().Alerts.
func (s *Sink) Alerts(ctx context.Context, q Query) ([]alerter.Alert, error) {
	return s.log.Alerts(ctx, q)
}

// Page reads one page of the alert log (Log.Page).
func (s *Sink) Page(ctx context.Context, q Query) (Page, error) { return s.log.Page(ctx, q) }

// Close refuses further sends, waits for sends in flight and for the
// Observer to have seen every alert they stored, and flushes published
// reminders to the server. It does not close the connection.
func (s *Sink) Close() error {
	s.mu.Lock()
	already := s.closed
	s.closed = true
	s.mu.Unlock()
	if already {
		return nil
	}
	close(s.stopped)
	<-s.monitored
	s.inflight.Wait()
	if s.observers != nil {
		s.observers.close()
	}
	s.stopSpool()
	if s.nc.IsClosed() {
		return nil
	}
	if err := s.nc.FlushTimeout(s.opts.Timeout); err != nil {
		return fmt.Errorf("natsink: close: flush: %w", err)
	}
	return nil
}

// withTimeout adds d to ctx unless it already has a deadline.
func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}
