package reports

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
	"github.com/earshot/earshot/alerter/disposition"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/internal/ratelimit"
	"github.com/earshot/earshot/transcript/store"
)

// Bucket is the KV bucket of reporters' records, the links from alerts to
// their reporters, report dedup keys (which expire) and polls.
const Bucket = "EARSHOT_REPORTS"

// Errors of Submit besides DecodeRequest's.
var (
	// ErrDuplicate: the viewer already reported this moment of the room.
	ErrDuplicate = errors.New("the viewer already reported this moment")
	// ErrRateLimited wraps a *RateError.
	ErrRateLimited = errors.New("too many reports")
	// ErrUnavailable: the report could not be stored now (NATS); retry.
	ErrUnavailable = errors.New("reports cannot be stored now")
)

// RateError says which limit refused a report and when to retry.
type RateError struct {
	// Scope is "viewer" or "room".
	Scope      string
	RetryAfter time.Duration
}

func (e *RateError) Error() string {
	return fmt.Sprintf("%v: this %s's report rate limit is reached; retry in %s", ErrRateLimited, e.Scope, e.RetryAfter.Round(time.Second))
}

func (e *RateError) Unwrap() error { return ErrRateLimited }

// AlertLog finds the room's recent rule alerts (*natsink.Log).
type AlertLog interface {
	Page(ctx context.Context, q natsink.Query) (natsink.Page, error)
}

// Transcripts finds a room's stored utterances around a wall time
// (*store.Store).
type Transcripts interface {
	Around(ctx context.Context, room string, at time.Time, before, after time.Duration) ([]store.Record, error)
}

// Options configure a Service; zero fields take the defaults.
type Options struct {
	Sink    alerter.Sink
	Alerts  AlertLog
	Rules   Rules
	Weights Weights
	// Transcripts, when set, attaches the transcript around a burst's
	// moment to its alert.
	Transcripts Transcripts
	// PerViewer and PerRoom bound the reports a viewer, and a room, may
	// send (per API node).
	PerViewer, PerRoom ratelimit.Rate
	// MaxAheadMs is how far past the room's current stream position a
	// reported moment may lie (players and clocks differ).
	MaxAheadMs int64
	// DedupMs: a viewer's reports of one room within the same slot of this
	// many milliseconds of stream time are one report.
	DedupMs  int64
	Replicas int
	MaxBytes int64
	Logger   *slog.Logger
	Now      func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Rules == (Rules{}) {
		o.Rules = DefaultRules
	}
	if o.Weights == (Weights{}) {
		o.Weights = DefaultWeights
	}
	if o.PerViewer == (ratelimit.Rate{}) {
		o.PerViewer = ratelimit.Rate{PerSecond: 1.0 / 6, Burst: 5} // 10 a minute
	}
	if o.PerRoom == (ratelimit.Rate{}) {
		o.PerRoom = ratelimit.Rate{PerSecond: 20, Burst: 200}
	}
	if o.MaxAheadMs <= 0 {
		o.MaxAheadMs = 60000
	}
	if o.DedupMs <= 0 {
		o.DedupMs = 10000
	}
	if o.Replicas < 1 {
		o.Replicas = 1
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Service accepts reports, detects bursts, links alerts to their
// reporters, credits reporters with staff's decisions and runs polls.
type Service struct {
	opts     Options
	nc       *nats.Conn
	js       jetstream.JetStream
	kv       jetstream.KeyValue
	det      *Detector
	track    *tracker
	viewers  *ratelimit.Keyed
	roomRate *ratelimit.Keyed
	near     *nearAlerts
	links    *linkCache
	subs     []*nats.Subscription
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	stats    Stats
}

// Stats count what Submit did with the reports it was given on this node.
type Stats struct {
	Accepted, Duplicates, RateLimited, Ahead, Failed atomic.Uint64
}

// Stats are this node's report counters.
func (s *Service) Stats() *Stats { return &s.stats }

// Open makes the bucket and starts following the rooms' streams, the
// reports and staff's decisions.
func Open(ctx context.Context, nc *nats.Conn, opts Options) (*Service, error) {
	opts = opts.withDefaults()
	if opts.Sink == nil {
		return nil, errors.New("reports: no alert sink")
	}
	det, err := NewDetector(opts.Rules)
	if err != nil {
		return nil, err
	}
	viewers, err := ratelimit.New(opts.PerViewer, 100000)
	if err != nil {
		return nil, fmt.Errorf("reports: per-viewer rate: %w", err)
	}
	roomRate, err := ratelimit.New(opts.PerRoom, 10000)
	if err != nil {
		return nil, fmt.Errorf("reports: per-room rate: %w", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: Bucket, Description: "earshot viewer reports: reporters' records, alert links, dedup keys, polls",
		History: 1, MaxBytes: opts.MaxBytes, Replicas: opts.Replicas, Storage: jetstream.FileStorage,
		LimitMarkerTTL: time.Minute,
	})
	if err != nil {
		return nil, fmt.Errorf("reports: bucket %s: %w", Bucket, err)
	}
	s := &Service{opts: opts, nc: nc, js: js, kv: kv, det: det, track: newTracker(opts.Rules.MaxRooms, opts.Now),
		viewers: viewers, roomRate: roomRate, near: newNearAlerts(opts.Alerts, opts.Now), links: newLinkCache()}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	for subj, h := range map[string]nats.MsgHandler{
		uttSubjects:                        s.track.onUtt,
		alerter.ReportSubjectPrefix + ".*": func(m *nats.Msg) { s.onReport(runCtx, m) },
		disposition.SubjectPrefix + ".*.*": func(m *nats.Msg) { s.onDisposition(runCtx, m) },
		alerter.AlertSubjects:              func(m *nats.Msg) { s.onAlert(runCtx, m) },
	} {
		sub, err := nc.Subscribe(subj, h)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("reports: subscribe %s: %w", subj, err)
		}
		s.subs = append(s.subs, sub)
	}
	if err := s.links.watch(runCtx, kv, &s.wg, opts.Logger); err != nil {
		s.Close()
		return nil, err
	}
	if err := nc.Flush(); err != nil {
		s.Close()
		return nil, fmt.Errorf("reports: %w", err)
	}
	return s, nil
}

// Close stops following NATS.
func (s *Service) Close() {
	for _, sub := range s.subs {
		_ = sub.Unsubscribe()
	}
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
}

// Room returns a room's report figures (flood breaker included).
func (s *Service) Room(room string) (RoomReports, bool) { return s.det.Room(room, s.opts.Now()) }

// Totals adds up the figures of every room, for metrics.
func (s *Service) Totals() (RoomReports, int) { return s.det.Totals(s.opts.Now()) }

// Submit accepts viewer's report of room: rate limits, the stream
// position, dedup, the reporter's weight, the rule alerts it corroborates;
// then it publishes the report on earshot.report.<room> (stored in the
// event stream) and returns it.
func (s *Service) Submit(ctx context.Context, viewer, room string, req Request) (alerter.Report, error) {
	rep, err := s.submit(ctx, viewer, room, req)
	var rate *RateError
	switch {
	case err == nil:
		s.stats.Accepted.Add(1)
	case errors.As(err, &rate):
		s.stats.RateLimited.Add(1)
	case errors.Is(err, ErrDuplicate):
		s.stats.Duplicates.Add(1)
	case errors.Is(err, ErrFuture):
		s.stats.Ahead.Add(1)
	default:
		s.stats.Failed.Add(1)
	}
	return rep, err
}

func (s *Service) submit(ctx context.Context, viewer, room string, req Request) (alerter.Report, error) {
	if err := alerter.ValidRoomID(room); err != nil {
		return alerter.Report{}, fmt.Errorf("%w: %w", ErrBody, err)
	}
	now := s.opts.Now()
	reporter := Reporter(viewer)
	if ok, wait := s.viewers.Allow(reporter, now); !ok {
		return alerter.Report{}, &RateError{Scope: "viewer", RetryAfter: wait}
	}
	if ok, wait := s.roomRate.Allow(room, now); !ok {
		return alerter.Report{}, &RateError{Scope: "room", RetryAfter: wait}
	}
	pos, known := s.track.position(room)
	ahead := int64(0)
	if known {
		ahead = pos.endMs + now.Sub(pos.wall).Milliseconds()
	}
	if req.AtMs > ahead+s.opts.MaxAheadMs {
		return alerter.Report{}, fmt.Errorf("%w: at_ms %d is more than %d ms past where room %s's stream is now (%d ms)",
			ErrFuture, req.AtMs, s.opts.MaxAheadMs, room, ahead)
	}
	slot := req.AtMs / s.opts.DedupMs
	dupKey := fmt.Sprintf("dup.%s.%s.%d", room, reporter, slot)
	if _, err := s.kv.Create(ctx, dupKey, []byte{'1'}, jetstream.KeyTTL(time.Hour)); errors.Is(err, jetstream.ErrKeyExists) {
		return alerter.Report{}, fmt.Errorf("%w: room %s, the %d s around %d ms", ErrDuplicate, room, s.opts.DedupMs/1000, req.AtMs)
	} else if err != nil {
		return alerter.Report{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	rec, err := s.countReport(ctx, reporter, now)
	if err != nil {
		return alerter.Report{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	weight, isNew := s.opts.Weights.Weigh(rec)
	rep := alerter.Report{Schema: 1, ID: alerter.NewID(now), At: now, Room: room, Session: pos.session,
		Anchor: pos.anchor, Merchant: pos.merchant, AtMs: req.AtMs, Category: req.Category, Text: req.Text,
		Reporter: reporter, Weight: weight, New: isNew, Flood: isNew && s.det.Flooding(room, now),
		Corroborates: s.near.at(ctx, room, pos.session, req.AtMs)}
	data, err := json.Marshal(rep)
	if err != nil {
		return alerter.Report{}, err
	}
	if _, err := s.js.Publish(ctx, alerter.ReportSubject(room), data, jetstream.WithMsgID("report-"+rep.ID)); err != nil {
		// Not stored: the viewer may send it again, so it is no duplicate.
		_ = s.kv.Delete(context.WithoutCancel(ctx), dupKey)
		return alerter.Report{}, fmt.Errorf("%w: publishing to %s: %w", ErrUnavailable, alerter.ReportSubject(room), err)
	}
	for _, id := range rep.Corroborates {
		if err := s.link(ctx, id, func(l *Link) { l.add(reporter, weight) }); err != nil {
			s.opts.Logger.Warn("report not linked to the alert it corroborates", "alert", id, "err", err)
		}
	}
	return rep, nil
}

// onAlert links a rule alert stored after the reports of its moment to
// their reporters: viewers sometimes report before the platform's
// transcript of the words arrives.
func (s *Service) onAlert(ctx context.Context, m *nats.Msg) {
	var a alerter.Alert
	if err := json.Unmarshal(m.Data, &a); err != nil || a.ID == "" || a.Category == alerter.CategoryViewerReports {
		return
	}
	s.near.heard(a)
	reps := s.det.Near(a.Room, a.Session, a.StartMs-corroborateBeforeMs, a.EndMs+corroborateAfterMs, MaxLinked)
	if len(reps) == 0 {
		return
	}
	s.wg.Add(1)
	go func() { // off the subscription's goroutine: a KV round trip
		defer s.wg.Done()
		err := s.link(ctx, a.ID, func(l *Link) {
			for _, r := range reps {
				l.add(r.Reporter, r.Weight)
			}
		})
		if err != nil {
			s.opts.Logger.Warn("alert not linked to the reports before it", "alert", a.ID, "err", err)
		}
	}()
}

// onReport feeds every node's detector with every accepted report.
func (s *Service) onReport(ctx context.Context, m *nats.Msg) {
	var rep alerter.Report
	if err := json.Unmarshal(m.Data, &rep); err != nil || rep.Reporter == "" || alerter.ValidRoomID(rep.Room) != nil {
		s.opts.Logger.Warn("malformed report on "+m.Subject, "err", err)
		return
	}
	if b, ok := s.det.Observe(rep, s.opts.Now()); ok {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := s.raise(ctx, b); err != nil {
				s.opts.Logger.Error("viewer-reports alert not stored", "room", b.Room, "moment_ms", b.MomentMs, "err", err)
			}
		}()
	}
}
