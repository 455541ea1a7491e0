package natsink

import (
	"context"
	"log/slog"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/spool"
)

// Defaults for Options.
const (
	DefaultMaxAge      = 30 * 24 * time.Hour
	DefaultDuplicates  = 2 * time.Minute
	DefaultCooldown    = 20 * time.Second
	DefaultRepeatReset = 10 * time.Minute
	DefaultMaxEntries  = 10000
	DefaultTimeout     = 5 * time.Second
	DefaultCheckEvery  = 5 * time.Second
	// MaxAlertBytes bounds one stored alert (its context is at most one
	// utterance of 16 KiB).
	MaxAlertBytes = 256 << 10
)

// Options configure a Sink. The zero value is usable.
type Options struct {
	// MaxAge is how long the stream keeps alerts; default 30 days.
	MaxAge time.Duration
	// MaxBytes bounds the stream on disk; beyond it the oldest alerts are
	// dropped, as past MaxAge. 0 is no bound: JetStream reserves MaxBytes
	// against its storage, so the service sizes it (internal/app).
	MaxBytes int64
	// Duplicates is the stream's deduplication window; default 2 minutes.
	Duplicates time.Duration
	// Replicas of the stream (clustered servers only); default 1.
	Replicas int

	// Cooldown is the least time between two reminders for the same rule
	// in the same room; default 20s.
	Cooldown time.Duration
	// CooldownFor, when set, overrides Cooldown per alert (e.g. per rule):
	// a positive result is used, 0 means Cooldown, a negative result means
	// no cooldown.
	CooldownFor func(alerter.Alert) time.Duration
	// RepeatReset: after this long without a reminder for a rule in a room
	// its Repeat count starts again at 1; default 10 minutes.
	RepeatReset time.Duration
	// SharedCooldown, when set, lets the cooldown survive a scanner
	// handover (KVCooldown); nil keeps it in this process only.
	SharedCooldown SharedCooldown
	// Observer, when set, is told of every alert stored for the first
	// time, once its reminder was decided: the escalation stage
	// (alerter/escalation) counts reminders and heeded ones there.
	Observer Observer
	// MaxEntries bounds the cooldown table (rooms × rules); default 10000.
	// When full, the entry closest to expiry is dropped.
	MaxEntries int

	// Bind uses the alert stream as it is, never creating or updating it:
	// for a node whose NATS user may not manage it (a cluster role that
	// does not write alerts; docs/nats-permissions.md).
	Bind bool
	// Timeout bounds Send and the log reader when ctx has no deadline;
	// default 5s.
	Timeout time.Duration

	// Health, when set, is the server's own word on whether a stream can
	// store (natsembed.Server.StreamWritable): non-nil while it knows a
	// message would not be stored (JetStream off, a write error such as a
	// full disk). Send then refuses at once, naming the reason, instead of
	// waiting Timeout for an answer that a stream with a write error never
	// gives. It must return nil for a missing stream: the Sink recreates
	// that itself.
	Health func(ctx context.Context, stream string) error
	// CheckEvery is how often the Sink checks that its stream exists and
	// recreates it when it has been gone for two checks in a row (a
	// publish, or Ready, notices sooner); default 5s.
	CheckEvery time.Duration
	// Spool, when set, keeps alerts that could not be stored while NATS
	// was unreachable on local disk and stores them, with their
	// Nats-Msg-Id, when it answers again (spool.go). Send returns nil for a
	// spooled alert and sends no reminder for it. The Sink does not close
	// it.
	Spool *spool.Spool
	// Now is the clock for alert times and cooldowns; default time.Now.
	Now func() time.Time
	// Logger; default slog.Default().
	Logger *slog.Logger
}

// Observer follows the reminders the Sink decides. Observe must not fail
// the alert: the alert is stored and its reminder sent or held by the
// time it is called. It runs off Send's path, on one of the Sink's
// observer goroutines (observe.go): a room's alerts are observed one at a
// time, in the order Send stored them; alerts of different rooms may be
// observed concurrently. Sink.Close returns after the last Observe.
type Observer interface {
	Observe(ctx context.Context, a alerter.Alert, reminded bool, at time.Time)
}

func (o Options) withDefaults() Options {
	o.MaxAge = orDefault(o.MaxAge, DefaultMaxAge)
	o.Duplicates = orDefault(o.Duplicates, DefaultDuplicates)
	o.Cooldown = orDefault(o.Cooldown, DefaultCooldown)
	o.RepeatReset = orDefault(o.RepeatReset, DefaultRepeatReset)
	o.Timeout = orDefault(o.Timeout, DefaultTimeout)
	o.CheckEvery = orDefault(o.CheckEvery, DefaultCheckEvery)
	if o.Replicas <= 0 {
		o.Replicas = 1
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = DefaultMaxEntries
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// cooldownFor resolves the cooldown for a; 0 means none.
func (o Options) cooldownFor(a alerter.Alert) time.Duration {
	if o.CooldownFor == nil {
		return o.Cooldown
	}
	d := o.CooldownFor(a)
	switch {
	case d > 0:
		return d
	case d < 0:
		return 0
	default:
		return o.Cooldown
	}
}
