package disposition

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
)

// NATS names.
const (
	// Bucket is the key-value bucket holding dispositions by alert id.
	Bucket = "EARSHOT_DISPOSITIONS"
	// SubjectPrefix is the first two tokens of every disposition subject.
	SubjectPrefix = "earshot.disposition"
	// History is how many revisions per alert the bucket keeps (JetStream's
	// maximum).
	History = 64
)

// ErrNotFound is returned when an alert has no disposition yet.
var ErrNotFound = errors.New("no disposition for this alert")

// Subject is earshot.disposition.<category>.<room>. It does not validate.
func Subject(category, room string) string {
	return SubjectPrefix + "." + category + "." + room
}

// Disposition is one stored decision on one alert.
type Disposition struct {
	Schema   int       `json:"schema"`
	AlertID  string    `json:"alert_id"`
	Decision Decision  `json:"decision"`
	Note     string    `json:"note,omitempty"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
	// Room, Category and RuleID copy the alert's, so a subscriber can count
	// false alarms per rule without looking the alert up.
	Room     string `json:"room"`
	Category string `json:"category"`
	RuleID   string `json:"rule_id"`
	// Session, Utterance and AlertAt place the alert in the transcript, so
	// a lexicon backtest can tell which confirmed hits a draft would lose.
	Session   string    `json:"session,omitempty"`
	Utterance uint64    `json:"utterance,omitempty"`
	AlertAt   time.Time `json:"alert_at,omitzero"`
	// Revision is the bucket's revision of this entry; it grows with every
	// decision stored anywhere in the bucket.
	Revision uint64 `json:"revision"`
}

// Options configure a Store; the zero value is usable.
type Options struct {
	// Timeout bounds each call when ctx has no deadline; default 5s.
	Timeout time.Duration
	// MaxBytes bounds the bucket on disk; when it is full a new decision
	// is refused (never an old one dropped). 0 is no bound.
	MaxBytes int64
	// Replicas of the bucket (cluster.replicas: 3 on a 3-server cluster);
	// default 1.
	Replicas int
	// Now is the clock; default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Store records and reads dispositions. It is safe for concurrent use and
// does not own the connection.
type Store struct {
	nc   *nats.Conn
	kv   jetstream.KeyValue
	opts Options
}

// Open creates the bucket if needed and returns a Store over it.
func Open(ctx context.Context, nc *nats.Conn, opts Options) (*Store, error) {
	if nc == nil {
		return nil, errors.New("disposition: nil *nats.Conn")
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
		return nil, fmt.Errorf("disposition: jetstream: %w", err)
	}
	ctx, cancel := withTimeout(ctx, opts.Timeout)
	defer cancel()
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:       Bucket,
		Description:  "earshot: compliance decisions on alerts, by alert id",
		History:      History,
		MaxValueSize: MaxRequestBytes * 2,
		MaxBytes:     opts.MaxBytes,
		Storage:      jetstream.FileStorage,
		Replicas:     max(1, opts.Replicas),
	})
	if err != nil {
		return nil, fmt.Errorf("disposition: bucket %s: %w", Bucket, err)
	}
	return &Store{nc: nc, kv: kv, opts: opts}, nil
}

// Record stores req as the newest decision on a, then publishes it on
// Subject(a.Category, a.Room). It returns once the bucket has it; a failed
// publish is logged, not returned, because the decision is already durable.
func (s *Store) Record(ctx context.Context, a alerter.Alert, req Request) (Disposition, error) {
	if err := req.Validate(); err != nil {
		return Disposition{}, err
	}
	if err := ValidAlertID(a.ID); err != nil {
		return Disposition{}, err
	}
	d := Disposition{
		Schema: alerter.SchemaVersion, AlertID: a.ID, Decision: req.Decision, Note: req.Note, By: req.By,
		At: s.opts.Now().UTC(), Room: a.Room, Category: a.Category, RuleID: a.RuleID,
		Session: a.Session, Utterance: a.Utterance, AlertAt: a.At,
	}
	data, err := json.Marshal(d)
	if err != nil {
		return Disposition{}, fmt.Errorf("disposition: encode: %w", err)
	}
	ctx, cancel := withTimeout(ctx, s.opts.Timeout)
	defer cancel()
	rev, err := s.kv.Put(ctx, a.ID, data)
	if err != nil {
		return Disposition{}, fmt.Errorf("disposition: store %s: %w", a.ID, err)
	}
	d.Revision = rev
	s.publish(d)
	return d, nil
}

func (s *Store) publish(d Disposition) {
	if alerter.ValidCategory(d.Category) != nil || alerter.ValidRoomID(d.Room) != nil {
		s.opts.Logger.Warn("disposition not published: alert has no valid subject", "alert", d.AlertID)
		return
	}
	data, _ := json.Marshal(d) // it marshalled once already
	msg := nats.NewMsg(Subject(d.Category, d.Room))
	msg.Data = data
	msg.Header.Set(alerter.HeaderSchema, strconv.Itoa(alerter.SchemaVersion))
	msg.Header.Set(alerter.HeaderContentType, alerter.ContentTypeJSON)
	if err := s.nc.PublishMsg(msg); err != nil {
		s.opts.Logger.Warn("disposition stored but not published", "alert", d.AlertID, "err", err)
	}
}

// Get returns the newest decision on the alert, or ErrNotFound.
func (s *Store) Get(ctx context.Context, alertID string) (Disposition, error) {
	if err := ValidAlertID(alertID); err != nil {
		return Disposition{}, err
	}
	ctx, cancel := withTimeout(ctx, s.opts.Timeout)
	defer cancel()
	e, err := s.kv.Get(ctx, alertID)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Disposition{}, ErrNotFound
	}
	if err != nil {
		return Disposition{}, fmt.Errorf("disposition: get %s: %w", alertID, err)
	}
	return decodeEntry(e)
}

// History returns every kept decision on the alert, oldest first; none is
// an empty slice, not an error.
func (s *Store) History(ctx context.Context, alertID string) ([]Disposition, error) {
	if err := ValidAlertID(alertID); err != nil {
		return nil, err
	}
	ctx, cancel := withTimeout(ctx, s.opts.Timeout)
	defer cancel()
	es, err := s.kv.History(ctx, alertID)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return []Disposition{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("disposition: history %s: %w", alertID, err)
	}
	out := make([]Disposition, 0, len(es))
	for _, e := range es {
		if e.Operation() != jetstream.KeyValuePut {
			continue
		}
		d, err := decodeEntry(e)
		if err != nil {
			s.opts.Logger.Warn("skipping undecodable disposition", "alert", alertID, "err", err)
			continue
		}
		out = append(out, d)
	}
	return out, nil
}

// Latest returns the newest decision on every alert that has one, by alert
// id, in one pass over the bucket.
func (s *Store) Latest(ctx context.Context) (map[string]Disposition, error) {
	ctx, cancel := withTimeout(ctx, s.opts.Timeout)
	defer cancel()
	w, err := s.kv.WatchAll(ctx, jetstream.IgnoreDeletes())
	if err != nil {
		return nil, fmt.Errorf("disposition: list: %w", err)
	}
	defer func() { _ = w.Stop() }()
	out := map[string]Disposition{}
	for {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("disposition: list: %w", ctx.Err())
		case e, ok := <-w.Updates():
			if !ok || e == nil { // nil marks the end of the current values
				return out, nil
			}
			d, err := decodeEntry(e)
			if err != nil {
				s.opts.Logger.Warn("skipping undecodable disposition", "key", e.Key(), "err", err)
				continue
			}
			out[d.AlertID] = d
		}
	}
}

func decodeEntry(e jetstream.KeyValueEntry) (Disposition, error) {
	var d Disposition
	if err := json.Unmarshal(e.Value(), &d); err != nil {
		return Disposition{}, fmt.Errorf("disposition: %s revision %d: %w", e.Key(), e.Revision(), err)
	}
	d.Revision = e.Revision()
	return d, nil
}

// Decode parses a disposition as published on a disposition subject.
func Decode(data []byte) (Disposition, error) {
	var d Disposition
	if len(data) > 2*MaxRequestBytes {
		return Disposition{}, fmt.Errorf("%w: %d bytes", ErrInvalid, len(data))
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return Disposition{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if !d.Decision.Valid() || ValidAlertID(d.AlertID) != nil {
		return Disposition{}, fmt.Errorf("%w: missing alert_id or decision", ErrInvalid)
	}
	return d, nil
}

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}
