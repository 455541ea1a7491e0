package appeal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
)

// Bucket holds appeals by alert id.
const Bucket = "EARSHOT_APPEALS"

// Limits of a request.
const (
	MaxReasonBytes = 2000
	MaxNoteBytes   = 4000
	MaxByBytes     = 128
)

// Errors of the Store.
var (
	// ErrExists: the alert was appealed already (once per alert).
	ErrExists = errors.New("the alert has been appealed already")
	// ErrNotFound: no appeal of this alert.
	ErrNotFound = errors.New("no appeal of this alert")
	// ErrDecided: the appeal has an outcome already.
	ErrDecided = errors.New("the appeal is decided already")
	// ErrInvalid is wrapped by every validation error.
	ErrInvalid = errors.New("invalid appeal")
)

// Options configure a Store; the zero value is usable.
type Options struct {
	// MaxAge drops appeals after this long (the alerts' retention); 0
	// keeps them.
	MaxAge   time.Duration
	MaxBytes int64
	Replicas int
	// Timeout bounds each call when ctx has no deadline; default 5s.
	Timeout time.Duration
	Now     func() time.Time
	Logger  *slog.Logger
}

// Store files, decides and lists appeals. It is safe for concurrent use.
type Store struct {
	nc   *nats.Conn
	js   jetstream.JetStream
	kv   jetstream.KeyValue
	opts Options
}

// Open creates the bucket if needed.
func Open(ctx context.Context, nc *nats.Conn, opts Options) (*Store, error) {
	if nc == nil {
		return nil, errors.New("appeal: nil *nats.Conn")
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
		return nil, fmt.Errorf("appeal: jetstream: %w", err)
	}
	ctx, cancel := withTimeout(ctx, opts.Timeout)
	defer cancel()
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: Bucket, Description: "earshot: anchors' appeals of confirmed alerts, by alert id",
		History: 4, TTL: opts.MaxAge, MaxBytes: opts.MaxBytes, Replicas: max(1, opts.Replicas),
		MaxValueSize: 64 << 10, Storage: jetstream.FileStorage,
	})
	if err != nil {
		return nil, fmt.Errorf("appeal: bucket %s: %w", Bucket, err)
	}
	return &Store{nc: nc, js: js, kv: kv, opts: opts}, nil
}

// ValidateReason checks an appeal's reason.
func ValidateReason(reason string) error {
	switch {
	case strings.TrimSpace(reason) == "":
		return fmt.Errorf("%w: reason: say why the decision is wrong", ErrInvalid)
	case len(reason) > MaxReasonBytes:
		return fmt.Errorf("%w: reason: longer than %d bytes", ErrInvalid, MaxReasonBytes)
	case !utf8.ValidString(reason):
		return fmt.Errorf("%w: reason: not valid UTF-8", ErrInvalid)
	case strings.ContainsFunc(reason, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }):
		return fmt.Errorf("%w: reason: contains control characters", ErrInvalid)
	}
	return nil
}

// File records the anchor's appeal of alert a (whose room's anchor the
// caller checked), once: a second appeal of the same alert is ErrExists.
// The appeal's id is the alert's.
func (s *Store) File(ctx context.Context, a alerter.Alert, anchor, reason string) (alerter.Appeal, error) {
	if err := ValidateReason(reason); err != nil {
		return alerter.Appeal{}, err
	}
	if anchor == "" {
		anchor = a.Anchor
	}
	ap := alerter.Appeal{Schema: alerter.SchemaVersion, ID: a.ID, AlertID: a.ID, Room: a.Room, Anchor: anchor,
		Merchant: a.Merchant, Category: a.Category, RuleID: a.RuleID, Reason: reason,
		At: s.opts.Now().UTC(), State: alerter.AppealPending}
	data, err := json.Marshal(ap)
	if err != nil {
		return alerter.Appeal{}, fmt.Errorf("appeal: encode: %w", err)
	}
	ctx, cancel := withTimeout(ctx, s.opts.Timeout)
	defer cancel()
	if _, err := s.kv.Create(ctx, a.ID, data); errors.Is(err, jetstream.ErrKeyExists) {
		return alerter.Appeal{}, fmt.Errorf("alert %s: %w", a.ID, ErrExists)
	} else if err != nil {
		return alerter.Appeal{}, fmt.Errorf("appeal: store %s: %w", a.ID, err)
	}
	s.publish(ctx, ap)
	return ap, nil
}

// Decide records staff's outcome (alerter.AppealUpheld or
// alerter.AppealOverturned) of a pending appeal.
func (s *Store) Decide(ctx context.Context, alertID, outcome, by, note string) (alerter.Appeal, error) {
	switch {
	case outcome != alerter.AppealUpheld && outcome != alerter.AppealOverturned:
		return alerter.Appeal{}, fmt.Errorf("%w: outcome %q: want upheld or overturned", ErrInvalid, outcome)
	case strings.TrimSpace(by) == "" || len(by) > MaxByBytes:
		return alerter.Appeal{}, fmt.Errorf("%w: by: want the reviewer, 1 to %d bytes", ErrInvalid, MaxByBytes)
	case len(note) > MaxNoteBytes || !utf8.ValidString(note):
		return alerter.Appeal{}, fmt.Errorf("%w: note: want at most %d bytes of UTF-8", ErrInvalid, MaxNoteBytes)
	}
	ctx, cancel := withTimeout(ctx, s.opts.Timeout)
	defer cancel()
	ap, rev, err := s.read(ctx, alertID)
	if err != nil {
		return ap, err
	}
	if ap.State != alerter.AppealPending {
		return ap, fmt.Errorf("appeal of %s: %w (%s by %s)", alertID, ErrDecided, ap.State, ap.DecidedBy)
	}
	ap.State, ap.DecidedBy, ap.DecidedAt, ap.Note = outcome, by, s.opts.Now().UTC(), note
	data, err := json.Marshal(ap)
	if err != nil {
		return alerter.Appeal{}, fmt.Errorf("appeal: encode: %w", err)
	}
	if _, err := s.kv.Update(ctx, alertID, data, rev); errors.Is(err, jetstream.ErrKeyRevisionMismatch) || errors.Is(err, jetstream.ErrKeyExists) {
		return ap, fmt.Errorf("appeal of %s: %w (by someone else, just now)", alertID, ErrDecided)
	} else if err != nil {
		return alerter.Appeal{}, fmt.Errorf("appeal: store %s: %w", alertID, err)
	}
	s.publish(ctx, ap)
	return ap, nil
}

// Get returns the appeal of an alert, or ErrNotFound.
func (s *Store) Get(ctx context.Context, alertID string) (alerter.Appeal, error) {
	ctx, cancel := withTimeout(ctx, s.opts.Timeout)
	defer cancel()
	ap, _, err := s.read(ctx, alertID)
	return ap, err
}

func (s *Store) read(ctx context.Context, alertID string) (alerter.Appeal, uint64, error) {
	e, err := s.kv.Get(ctx, alertID)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrInvalidKey) {
		return alerter.Appeal{}, 0, fmt.Errorf("alert %s: %w", alertID, ErrNotFound)
	}
	if err != nil {
		return alerter.Appeal{}, 0, fmt.Errorf("appeal: get %s: %w", alertID, err)
	}
	var ap alerter.Appeal
	if err := json.Unmarshal(e.Value(), &ap); err != nil {
		return alerter.Appeal{}, 0, fmt.Errorf("appeal: %s: %w", alertID, err)
	}
	return ap, e.Revision(), nil
}

// List returns the appeals in state ("" for all), pending ones first,
// then oldest first, in one pass over the bucket.
func (s *Store) List(ctx context.Context, state string) ([]alerter.Appeal, error) {
	switch state {
	case "", alerter.AppealPending, alerter.AppealUpheld, alerter.AppealOverturned:
	default:
		return nil, fmt.Errorf("%w: state %q: want pending, upheld or overturned", ErrInvalid, state)
	}
	ctx, cancel := withTimeout(ctx, s.opts.Timeout)
	defer cancel()
	w, err := s.kv.WatchAll(ctx, jetstream.IgnoreDeletes())
	if err != nil {
		return nil, fmt.Errorf("appeal: list: %w", err)
	}
	defer func() { _ = w.Stop() }()
	out := []alerter.Appeal{}
	for {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("appeal: list: %w", ctx.Err())
		case e, ok := <-w.Updates():
			if !ok || e == nil {
				slices.SortFunc(out, func(a, b alerter.Appeal) int {
					if pa, pb := a.State == alerter.AppealPending, b.State == alerter.AppealPending; pa != pb {
						if pa {
							return -1
						}
						return 1
					}
					return a.At.Compare(b.At)
				})
				return out, nil
			}
			var ap alerter.Appeal
			if err := json.Unmarshal(e.Value(), &ap); err != nil {
				s.opts.Logger.Warn("appeal: skipping undecodable entry", "key", e.Key(), "err", err)
				continue
			}
			if state == "" || ap.State == state {
				out = append(out, ap)
			}
		}
	}
}

// publish sends the appeal on earshot.appeal.<room> through JetStream, so
// it returns once the event stream has it; a failure is logged, not
// returned: the appeal is already durable in the bucket.
func (s *Store) publish(ctx context.Context, ap alerter.Appeal) {
	if alerter.ValidRoomID(ap.Room) != nil {
		s.opts.Logger.Warn("appeal not published: alert has no valid room", "alert", ap.AlertID)
		return
	}
	data, _ := json.Marshal(ap) // it marshalled once already
	msg := nats.NewMsg(alerter.AppealSubject(ap.Room))
	msg.Data = data
	msg.Header.Set(alerter.HeaderSchema, strconv.Itoa(alerter.SchemaVersion))
	msg.Header.Set(alerter.HeaderContentType, alerter.ContentTypeJSON)
	msg.Header.Set(nats.MsgIdHdr, "appeal-"+ap.AlertID+"-"+ap.State)
	if _, err := s.js.PublishMsg(ctx, msg); err != nil {
		s.opts.Logger.Warn("appeal stored but not published to the event stream", "alert", ap.AlertID, "state", ap.State, "err", err)
		if err := s.nc.PublishMsg(msg); err != nil { // the live feeds still hear it
			s.opts.Logger.Warn("appeal not published", "alert", ap.AlertID, "err", err)
		}
	}
}

// Decode parses an appeal as published on an appeal subject.
func Decode(data []byte) (alerter.Appeal, error) {
	var ap alerter.Appeal
	if len(data) > 64<<10 {
		return ap, fmt.Errorf("%w: %d bytes", ErrInvalid, len(data))
	}
	if err := json.Unmarshal(data, &ap); err != nil {
		return ap, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if ap.AlertID == "" || ap.Room == "" || ap.State == "" {
		return ap, fmt.Errorf("%w: missing alert_id, room or state", ErrInvalid)
	}
	return ap, nil
}

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}
