package reports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/disposition"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/ratelimit"
	"github.com/earshot/earshot/internal/testutil"
)

type rig struct {
	nc   *nats.Conn
	sink *natsink.Sink
	svc  *Service
	disp *disposition.Store
}

// newRig runs the service on a real embedded NATS server with the alert
// and event streams of earshot serve.
func newRig(t testing.TB, opts Options) *rig {
	t.Helper()
	srv := natstest.Start(t, "")
	nc := natstest.InProcess(t, srv)
	ctx := testutil.Context(t, 30*time.Second)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := natsink.EnsureEvents(ctx, js, natsink.EventOptions{}); err != nil {
		t.Fatal(err)
	}
	sink, err := natsink.New(ctx, nc, natsink.Options{Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sink.Close() })
	disp, err := disposition.Open(ctx, nc, disposition.Options{Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	opts.Sink, opts.Alerts, opts.Logger = sink, sink.Log(), testutil.Quiet()
	svc, err := Open(ctx, nc, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	return &rig{nc: nc, sink: sink, svc: svc, disp: disp}
}

// hear publishes a hypothesis of room, as ingest does, so the room's
// stream position is known.
func (r *rig) hear(t *testing.T, room string, utterance uint64, endMs int64, text string) {
	t.Helper()
	data, _ := json.Marshal(map[string]any{"schema": 1, "session": "s1", "utterance": utterance, "final": true,
		"text": text, "start_ms": endMs - 2000, "end_ms": endMs, "anchor": "anna", "merchant": "m1"})
	if err := r.nc.Publish("earshot.utt."+room, data); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 5*time.Second, "the room's position", func() bool {
		p, ok := r.svc.track.position(room)
		return ok && p.endMs >= endMs
	})
}

// seed gives reporter viewer a record.
func (r *rig) seed(t *testing.T, viewer string, rec Record) {
	t.Helper()
	data, _ := json.Marshal(rec)
	if _, err := r.svc.kv.Put(context.Background(), recordKey(Reporter(viewer)), data); err != nil {
		t.Fatal(err)
	}
}

func (r *rig) alerts(t *testing.T, room, category string) []alerter.Alert {
	t.Helper()
	as, err := r.sink.Log().Alerts(context.Background(), natsink.Query{Room: room, Category: category})
	if err != nil {
		t.Fatal(err)
	}
	return as
}

// TestSubmitRefuses: moments ahead of the stream, the same moment twice
// and a viewer reporting too fast are refused by name.
func TestSubmitRefuses(t *testing.T) {
	r := newRig(t, Options{})
	r.hear(t, "r1", 1, 30000, "hello everyone")
	ctx := context.Background()
	if _, err := r.svc.Submit(ctx, "v1", "r1", Request{AtMs: 30000 + 3600_000, Category: "other"}); !errors.Is(err, ErrFuture) {
		t.Fatalf("a moment an hour ahead of the stream: %v", err)
	}
	if _, err := r.svc.Submit(ctx, "v1", "unheard", Request{AtMs: 10 * 60_000, Category: "other"}); !errors.Is(err, ErrFuture) {
		t.Fatalf("ten minutes into a room never heard: %v", err)
	}
	if _, err := r.svc.Submit(ctx, "v1", "r1", Request{AtMs: 21000, Category: "medical-claim"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Submit(ctx, "v1", "r1", Request{AtMs: 24000, Category: "other"}); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("the same viewer, the same moment: %v", err)
	}
	var rate *RateError
	for i := range 10 {
		_, err := r.svc.Submit(ctx, "v2", "r1", Request{AtMs: int64(i) * 11000, Category: "other"})
		if errors.As(err, &rate) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if rate == nil || rate.Scope != "viewer" || rate.RetryAfter <= 0 {
		t.Fatalf("ten reports at once from one viewer: no viewer rate limit (%v)", rate)
	}
}

// TestBrigadeAndGoodRecords: fifty new reporters at once raise no alert
// and trip the flood breaker; three reporters with good records raise a
// viewer-reports alert with the transcript of the moment, tell the anchor
// nothing, and staff's decision goes into their records.
func TestBrigadeAndGoodRecords(t *testing.T) {
	r := newRig(t, Options{})
	ctx := context.Background()
	r.hear(t, "brig", 1, 60000, "welcome to the show")
	for i := range 50 {
		if _, err := r.svc.Submit(ctx, fmt.Sprintf("sock-%d", i), "brig", Request{AtMs: 55000, Category: "medical-claim"}); err != nil {
			t.Fatal(err)
		}
	}
	testutil.WaitFor(t, 5*time.Second, "the brigade's reports", func() bool {
		st, _ := r.svc.Room("brig")
		return st.Reports == 50
	})
	if st, _ := r.svc.Room("brig"); !st.Flood || st.Floods != 1 || st.Alerts != 0 {
		t.Fatalf("after a brigade: %+v", st)
	}
	if as := r.alerts(t, "brig", alerter.CategoryViewerReports); len(as) != 0 {
		t.Fatalf("a brigade raised %d alerts", len(as))
	}

	reminders, err := r.nc.SubscribeSync(alerter.ReminderSubject("good"))
	if err != nil {
		t.Fatal(err)
	}
	r.hear(t, "good", 7, 40000, "this cream cures diabetes in a week")
	viewers := []string{"amy", "bo", "cy"}
	for _, v := range viewers {
		r.seed(t, v, Record{Confirmed: 9, Dismissed: 1, Reports: 10})
		if _, err := r.svc.Submit(ctx, v, "good", Request{AtMs: 39000, Category: "medical-claim", Text: "false cure claim"}); err != nil {
			t.Fatal(err)
		}
	}
	var a alerter.Alert
	testutil.WaitFor(t, 10*time.Second, "the viewer-reports alert", func() bool {
		as := r.alerts(t, "good", alerter.CategoryViewerReports)
		if len(as) == 1 {
			a = as[0]
		}
		return len(as) == 1
	})
	if !a.StaffOnly || a.Reports == nil || a.Reports.Reporters != 3 || a.Reports.Categories["medical-claim"] != 3 ||
		a.Anchor != "anna" || a.Merchant != "m1" || a.Session != "s1" {
		t.Fatalf("alert %+v (reports %+v)", a, a.Reports)
	}
	if m, err := reminders.NextMsg(300 * time.Millisecond); err == nil {
		t.Fatalf("the anchor was reminded of viewer reports: %s", m.Data)
	}
	if _, err := r.disp.Record(ctx, a, disposition.Request{Decision: disposition.Confirmed, By: "li.na"}); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 5*time.Second, "the reporters credited", func() bool {
		for _, v := range viewers {
			rec, err := r.svc.RecordOf(ctx, Reporter(v))
			if err != nil || rec.Confirmed != 10 || rec.Reports != 11 {
				return false
			}
		}
		return true
	})
	// A change of mind moves the credit, never counts twice.
	if _, err := r.disp.Record(ctx, a, disposition.Request{Decision: disposition.Dismissed, By: "li.na"}); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 5*time.Second, "the credit moved", func() bool {
		rec, _ := r.svc.RecordOf(ctx, Reporter("amy"))
		return rec.Confirmed == 9 && rec.Dismissed == 2
	})
}

// TestCorroboration: a report of the moment of a rule alert names it, and
// the alert's link counts the report.
func TestCorroboration(t *testing.T) {
	r := newRig(t, Options{})
	ctx := context.Background()
	r.hear(t, "r3", 4, 20000, "the best cream in the world")
	rule := alerter.Alert{Room: "r3", RuleID: "ac-en-best", Category: "absolute-claim", Severity: "medium",
		Reminder: "avoid absolutes", Session: "s1", Utterance: 4, StartMs: 18000, EndMs: 20000, Final: true}
	if err := r.sink.Send(ctx, rule); err != nil {
		t.Fatal(err)
	}
	stored := r.alerts(t, "r3", "absolute-claim")
	if len(stored) != 1 {
		t.Fatalf("%d rule alerts", len(stored))
	}
	rep, err := r.svc.Submit(ctx, "dee", "r3", Request{AtMs: 25000, Category: "absolute-claim"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Corroborates) != 1 || rep.Corroborates[0] != stored[0].ID {
		t.Fatalf("report corroborates %v, want [%s]", rep.Corroborates, stored[0].ID)
	}
	testutil.WaitFor(t, 5*time.Second, "the corroboration link", func() bool {
		l, ok := r.svc.Corroboration(stored[0].ID)
		return ok && l.Reports == 1
	})
}

// TestPolls: one vote per viewer, counts hidden from viewers until the
// poll closes, one open poll per room.
func TestPolls(t *testing.T) {
	r := newRig(t, Options{})
	ctx := context.Background()
	a := alerter.Alert{ID: alerter.NewID(time.Now()), Room: "r4", RuleID: "x", Category: "medical-claim"}
	req, err := DecodePollRequest(nil)
	if err != nil || req.Question != DefaultQuestion {
		t.Fatal(req, err)
	}
	p, err := r.svc.OpenPoll(ctx, a, "li.na", req)
	if err != nil {
		t.Fatal(err)
	}
	other := alerter.Alert{ID: alerter.NewID(time.Now()), Room: "r4", RuleID: "x", Category: "medical-claim"}
	if _, err := r.svc.OpenPoll(ctx, other, "li.na", req); !errors.Is(err, ErrPollOpen) {
		t.Fatalf("a second open poll in the room: %v", err)
	}
	if _, err := r.svc.Vote(ctx, "v1", "r4", p.ID, "yes"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Vote(ctx, "v1", "r4", p.ID, "no"); !errors.Is(err, ErrVoted) {
		t.Fatalf("a second vote: %v", err)
	}
	if _, err := r.svc.Vote(ctx, "v2", "r4", p.ID, "maybe"); !errors.Is(err, ErrBadOption) {
		t.Fatalf("an unknown option: %v", err)
	}
	if _, err := r.svc.Vote(ctx, "v2", "r5", p.ID, "no"); !errors.Is(err, ErrNoPoll) {
		t.Fatalf("a vote through another room: %v", err)
	}
	seen, err := r.svc.RoomPoll(ctx, "r4", "v1")
	if err != nil || !seen.Voted || seen.Counts != nil || seen.Votes != 0 {
		t.Fatalf("viewer's view of an open poll: %+v %v", seen, err)
	}
	if staff, _, _ := r.svc.PollOf(ctx, a.ID); staff.Counts["yes"] != 1 || staff.Votes != 1 {
		t.Fatalf("staff's view: %+v", staff)
	}
	if _, err := r.svc.ClosePoll(ctx, a.ID, "li.na"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Vote(ctx, "v3", "r4", p.ID, "no"); !errors.Is(err, ErrPollClosed) {
		t.Fatalf("a vote after closing: %v", err)
	}
	seen, _ = r.svc.RoomPoll(ctx, "r4", "v2")
	if seen.State != PollClosed || seen.Counts["yes"] != 1 || seen.Votes != 1 || seen.Voted {
		t.Fatalf("viewer's view of the closed poll: %+v", seen)
	}
	if _, err := r.svc.OpenPoll(ctx, other, "li.na", req); err != nil {
		t.Fatalf("a new poll once the first closed: %v", err)
	}
}

// TestCorroborationAfterTheFact: reports that came before the rule alert
// of their moment (the platform's transcript arrived late) corroborate it
// once it is stored.
func TestCorroborationAfterTheFact(t *testing.T) {
	r := newRig(t, Options{})
	ctx := context.Background()
	r.hear(t, "r6", 2, 30000, "hello")
	for _, v := range []string{"eve", "fay"} {
		if _, err := r.svc.Submit(ctx, v, "r6", Request{AtMs: 25000, Category: "price-fraud"}); err != nil {
			t.Fatal(err)
		}
	}
	testutil.WaitFor(t, 5*time.Second, "the reports heard", func() bool {
		st, _ := r.svc.Room("r6")
		return st.Reports == 2
	})
	late := alerter.Alert{Room: "r6", RuleID: "pf-lowest", Category: "price-fraud", Severity: "medium",
		Reminder: "no lowest-price claims", Session: "s1", Utterance: 9, StartMs: 22000, EndMs: 24000, Final: true}
	if err := r.sink.Send(ctx, late); err != nil {
		t.Fatal(err)
	}
	stored := r.alerts(t, "r6", "price-fraud")
	if len(stored) != 1 {
		t.Fatalf("%d alerts", len(stored))
	}
	testutil.WaitFor(t, 5*time.Second, "the late alert's corroboration", func() bool {
		l, ok := r.svc.Corroboration(stored[0].ID)
		return ok && l.Reports == 2
	})
}

// TestCorroborationRightAfterAnAlert: a room whose reports keep the
// recent-alerts cache warm still links a report to an alert stored a
// moment before it (the cache used to hide alerts younger than its two
// seconds, so viewers reporting what they just heard corroborated nothing).
func TestCorroborationRightAfterAnAlert(t *testing.T) {
	r := newRig(t, Options{})
	ctx := context.Background()
	r.hear(t, "r7", 1, 400000, "hello")
	var alertSub *nats.Subscription
	for _, sub := range r.svc.subs {
		if sub.Subject == alerter.AlertSubjects {
			alertSub = sub
		}
	}
	for i := range 3 {
		start := int64(i+1) * 100000
		rule := alerter.Alert{Room: "r7", RuleID: fmt.Sprintf("md-%d", i), Category: "medical-claim", Severity: "critical",
			Reminder: "no cures", Session: "s1", Utterance: uint64(i + 2), StartMs: start, EndMs: start + 3000, Final: true}
		if err := r.sink.Send(ctx, rule); err != nil {
			t.Fatal(err)
		}
		stored := r.alerts(t, "r7", "medical-claim")
		if len(stored) != i+1 {
			t.Fatalf("%d rule alerts stored, want %d", len(stored), i+1)
		}
		want := stored[len(stored)-1].ID
		testutil.WaitFor(t, 5*time.Second, "the alert delivered to the reports service", func() bool {
			n, _ := alertSub.Delivered()
			return n >= int64(i+1)
		})
		rep, err := r.svc.Submit(ctx, fmt.Sprintf("viewer-%d", i), "r7", Request{AtMs: start + 1000, Category: "medical-claim"})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(rep.Corroborates, want) {
			t.Fatalf("report %d right after alert %s corroborates %v", i, want, rep.Corroborates)
		}
	}
}

// TestRoomRateLimit: many viewers flooding one room hit the room's limit
// (each viewer within their own), named by scope, while another room
// still takes reports.
func TestRoomRateLimit(t *testing.T) {
	r := newRig(t, Options{PerRoom: ratelimit.Rate{PerSecond: 0.001, Burst: 3}})
	r.hear(t, "busy", 1, 30000, "hello")
	r.hear(t, "calm", 1, 30000, "hello")
	ctx := context.Background()
	for i := range 3 {
		if _, err := r.svc.Submit(ctx, fmt.Sprintf("v%d", i), "busy", Request{AtMs: 20000, Category: "other"}); err != nil {
			t.Fatalf("report %d: %v", i, err)
		}
	}
	var rate *RateError
	if _, err := r.svc.Submit(ctx, "v9", "busy", Request{AtMs: 20000, Category: "other"}); !errors.As(err, &rate) || rate.Scope != "room" || rate.RetryAfter <= 0 {
		t.Fatalf("a fourth viewer in a room limited to 3: %v", err)
	}
	if _, err := r.svc.Submit(ctx, "v9", "calm", Request{AtMs: 20000, Category: "other"}); err != nil {
		t.Fatalf("another room: %v", err)
	}
}
