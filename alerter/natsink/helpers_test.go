package natsink

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsembed"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

// clock is an injectable clock for cooldown tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a server, a connection and a Sink on a fake clock.
type env struct {
	srv   *natsembed.Server
	nc    *nats.Conn
	sink  *Sink
	clock *clock
}

func newEnv(t testing.TB, opts Options) *env {
	t.Helper()
	srv := natstest.Start(t, t.TempDir())
	nc := natstest.InProcess(t, srv, nats.MaxReconnects(0))
	c := newClock()
	if opts.Now == nil {
		opts.Now = c.Now
	}
	opts.Logger = testutil.Quiet()
	sink, err := New(testutil.Context(t, 30*time.Second), nc, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = sink.Close() })
	return &env{srv: srv, nc: nc, sink: sink, clock: c}
}

func hit(room, rule string, utt uint64) alerter.Alert {
	return alerter.Alert{
		Room:        room,
		RuleID:      rule,
		Category:    "absolute-claims",
		Severity:    "high",
		Reminder:    "Avoid absolute claims (" + rule + ")",
		Pattern:     "best in the world",
		MatchedText: "best in the world",
		Via:         "exact",
		Score:       1,
		Context:     "this is the best in the world " + strconv.FormatUint(utt, 10),
		Utterance:   utt,
		Final:       true,
	}
}

// reminders drains what sub has received; with sub on the sink's own
// connection, a Flush first makes the count exact.
func reminders(t testing.TB, nc *nats.Conn, sub *nats.Subscription) []alerter.Reminder {
	t.Helper()
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	var out []alerter.Reminder
	for {
		m, err := sub.NextMsg(0)
		if err != nil {
			return out
		}
		r, err := alerter.DecodeReminder(m.Data)
		if err != nil {
			t.Fatalf("bad reminder %s: %v", m.Data, err)
		}
		out = append(out, r)
	}
}
