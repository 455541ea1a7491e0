package natsink

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

func TestReminderReachesOnlyItsRoom(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := testutil.Context(t, 30*time.Second)
	// Subscribers on their own connection, as an overlay would be.
	sc := natstest.InProcess(t, e.srv, nats.MaxReconnects(0))
	r1, err := sc.SubscribeSync(alerter.ReminderSubject("R1"))
	if err != nil {
		t.Fatal(err)
	}
	r2, err := sc.SubscribeSync(alerter.ReminderSubject("R2"))
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := e.sink.Send(ctx, hit("R1", "rule-a", 1)); err != nil {
		t.Fatal(err)
	}
	if err := e.sink.Send(ctx, hit("R2", "rule-b", 1)); err != nil {
		t.Fatal(err)
	}
	// Core NATS keeps one publisher's order, so R2's first message being
	// rule-b proves R1's reminder did not reach it.
	tests := []struct {
		sub  *nats.Subscription
		room string
		rule string
	}{{r1, "R1", "rule-a"}, {r2, "R2", "rule-b"}}
	for _, tt := range tests {
		m, err := tt.sub.NextMsg(5 * time.Second)
		if err != nil {
			t.Fatalf("%s: %v", tt.room, err)
		}
		r, err := alerter.DecodeReminder(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		if r.Room != tt.room || r.RuleID != tt.rule || r.Repeat != 1 || r.Text == "" || r.AlertID == "" {
			t.Fatalf("%s got %+v", tt.room, r)
		}
		if got := m.Header.Get(alerter.HeaderSchema); got != "1" {
			t.Fatalf("schema header %q", got)
		}
	}
}

func TestStoredBeforeSendReturns(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := testutil.Context(t, 30*time.Second)
	a := hit("R1", "rule-a", 7)
	if err := e.sink.Send(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := e.sink.Alerts(ctx, Query{Room: "R1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].RuleID != "rule-a" || got[0].Utterance != 7 || got[0].ID == "" ||
		got[0].Schema != alerter.SchemaVersion || !got[0].At.Equal(e.clock.Now()) {
		t.Fatalf("read back %+v", got)
	}
}

// TestDedupCooldownRepeat walks one room through a sequence of hits on a
// fake clock and checks what is stored and who is reminded after each.
func TestDedupCooldownRepeat(t *testing.T) {
	e := newEnv(t, Options{
		Cooldown:    20 * time.Second,
		RepeatReset: 5 * time.Minute,
		CooldownFor: func(a alerter.Alert) time.Duration {
			if a.RuleID == "no-cooldown" {
				return -1
			}
			return 0
		},
	})
	ctx := testutil.Context(t, 30*time.Second)
	sub, err := e.nc.SubscribeSync(alerter.ReminderSubject("R1"))
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name       string
		advance    time.Duration
		rule       string
		utt        uint64
		wantStored int // total in the stream after the step
		wantRepeat int // 0: no reminder
	}{
		{"first hit", 0, "r", 1, 1, 1},
		{"same hit on the final", time.Second, "r", 1, 1, 0},
		{"new utterance inside cooldown", 5 * time.Second, "r", 2, 2, 0},
		{"other rule is not held", 0, "s", 2, 3, 1},
		{"after cooldown", 15 * time.Second, "r", 3, 4, 2},
		{"again after cooldown", 21 * time.Second, "r", 4, 5, 3},
		{"long pause resets repeat", 10 * time.Minute, "r", 5, 6, 1},
		{"rule without cooldown", 0, "no-cooldown", 5, 7, 1},
		{"rule without cooldown again", 0, "no-cooldown", 6, 8, 2},
	}
	for _, st := range steps {
		e.clock.Advance(st.advance)
		if err := e.sink.Send(ctx, hit("R1", st.rule, st.utt)); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		stored, err := e.sink.Alerts(ctx, Query{Room: "R1"})
		if err != nil {
			t.Fatal(err)
		}
		if len(stored) != st.wantStored {
			t.Errorf("%s: %d stored, want %d", st.name, len(stored), st.wantStored)
		}
		got := reminders(t, e.nc, sub)
		switch {
		case st.wantRepeat == 0 && len(got) != 0:
			t.Errorf("%s: unexpected reminder %+v", st.name, got)
		case st.wantRepeat != 0 && (len(got) != 1 || got[0].Repeat != st.wantRepeat):
			t.Errorf("%s: reminders %+v, want one with repeat %d", st.name, got, st.wantRepeat)
		}
	}
}

func TestBadInput(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := testutil.Context(t, 30*time.Second)
	long := strings.Repeat("a", 65)
	tests := []struct {
		name   string
		mutate func(*alerter.Alert)
	}{
		{"empty room", func(a *alerter.Alert) { a.Room = "" }},
		{"dot in room", func(a *alerter.Alert) { a.Room = "a.b" }},
		{"star room", func(a *alerter.Alert) { a.Room = "*" }},
		{"gt room", func(a *alerter.Alert) { a.Room = ">" }},
		{"space in room", func(a *alerter.Alert) { a.Room = "a b" }},
		{"long room", func(a *alerter.Alert) { a.Room = long }},
		{"non-ascii room", func(a *alerter.Alert) { a.Room = "直播间" }},
		{"empty category", func(a *alerter.Alert) { a.Category = "" }},
		{"wildcard category", func(a *alerter.Alert) { a.Category = "x.>" }},
		{"empty rule", func(a *alerter.Alert) { a.RuleID = "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := hit("R1", "r", 1)
			tt.mutate(&a)
			err := e.sink.Send(ctx, a)
			if !errors.Is(err, alerter.ErrInvalid) {
				t.Fatalf("Send = %v, want ErrInvalid", err)
			}
		})
	}
	got, err := e.sink.Alerts(ctx, Query{})
	if err != nil || len(got) != 0 {
		t.Fatalf("stored %d alerts (err %v) from bad input", len(got), err)
	}
	if _, err := e.sink.Alerts(ctx, Query{Room: "a.b"}); !errors.Is(err, alerter.ErrInvalidToken) {
		t.Fatalf("bad query room: %v", err)
	}
}

func TestNATSDown(t *testing.T) {
	tests := []struct {
		name string
		down func(t *testing.T, e *env)
	}{
		{"server stopped", func(_ *testing.T, e *env) { _ = e.srv.Shutdown(context.Background()) }},
		{"connection closed", func(_ *testing.T, e *env) { e.nc.Close() }},
		{"server stopped, client reconnecting", func(t *testing.T, e *env) {
			nc, err := e.srv.Connect(nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			sink, err := New(context.Background(), nc, Options{Logger: testutil.Quiet()})
			if err != nil {
				t.Fatal(err)
			}
			_ = e.srv.Shutdown(context.Background())
			e.nc, e.sink = nc, sink
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, Options{})
			tt.down(t, e)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			start := time.Now()
			err := e.sink.Send(ctx, hit("R1", "r", 1))
			if err == nil {
				t.Fatal("Send succeeded with NATS down")
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Fatalf("Send took %s past its 2s context", d)
			}
			if _, err := e.sink.Alerts(ctx, Query{Room: "R1"}); err == nil {
				t.Fatal("Alerts succeeded with NATS down")
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Fatalf("Send and Alerts took %s past their 2s context", d)
			}
			e.nc.Close()
		})
	}
}

func TestSendAfterClose(t *testing.T) {
	e := newEnv(t, Options{})
	if err := e.sink.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.sink.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.sink.Send(testutil.Context(t, 30*time.Second), hit("R1", "r", 1)); !errors.Is(err, alerter.ErrClosed) {
		t.Fatalf("Send after Close = %v", err)
	}
}

func TestConcurrentSend(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := testutil.Context(t, 30*time.Second)
	sub, err := e.nc.SubscribeSync(alerter.ReminderSubject("*"))
	if err != nil {
		t.Fatal(err)
	}
	const workers, each = 8, 25
	rooms := []string{"R0", "R1", "R2", "R3"}
	var wg sync.WaitGroup
	errs := make(chan error, 2*workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				// Each worker sends every hit of its own and also one
				// shared duplicate per round.
				errs <- e.sink.Send(ctx, hit(rooms[w%len(rooms)], "r", uint64(w*1000+i)))
				errs <- e.sink.Send(ctx, hit("shared", "r", uint64(i)))
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := e.sink.Alerts(ctx, Query{Limit: MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	if want := workers*each + each; len(got) != want {
		t.Fatalf("stored %d, want %d", len(got), want)
	}
	// Fake clock never moves: one reminder per room and rule.
	if n := len(reminders(t, e.nc, sub)); n != len(rooms)+1 {
		t.Fatalf("%d reminders, want %d", n, len(rooms)+1)
	}
}

// TestGroupedReminderNamesEveryRule: a sentence that breaks several rules is
// one alert and one reminder; the reminder leads with the alert's leading
// hit and lists the others, so the overlay can name every category.
func TestGroupedReminderNamesEveryRule(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := testutil.Context(t, 30*time.Second)
	sc := natstest.InProcess(t, e.srv, nats.MaxReconnects(0))
	sub, err := sc.SubscribeSync(alerter.ReminderSubject("R1"))
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Flush(); err != nil {
		t.Fatal(err)
	}
	a := hit("R1", "rule-a", 1)
	a.Hits = []alerter.AlertHit{
		{RuleID: "rule-a", Category: "absolute-claims", Severity: "high"},
		{RuleID: "rule-b", Category: "price-fraud", Severity: "medium"},
		{RuleID: "rule-c", Category: "absolute-claims", Severity: "low"},
	}
	if err := e.sink.Send(ctx, a); err != nil {
		t.Fatal(err)
	}
	m, err := sub.NextMsg(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	r, err := alerter.DecodeReminder(m.Data)
	if err != nil {
		t.Fatal(err)
	}
	if r.RuleID != "rule-a" || len(r.Also) != 2 || r.Also[0].RuleID != "rule-b" || r.Also[1].RuleID != "rule-c" {
		t.Fatalf("reminder %+v", r)
	}
	if got := r.Categories(); !slices.Equal(got, []string{"absolute-claims", "price-fraud"}) {
		t.Fatalf("categories %v", got)
	}
	if _, err := sub.NextMsg(200 * time.Millisecond); err == nil {
		t.Fatal("a second reminder for one sentence")
	}
}

// TestStaffOnlyAlertRemindsNobody: a staff-only alert is stored and reminds no one;
// the next alert of the room still reminds.
func TestStaffOnlyAlertRemindsNobody(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := testutil.Context(t, 30*time.Second)
	sub, err := e.nc.SubscribeSync(alerter.ReminderSubject("R1"))
	if err != nil {
		t.Fatal(err)
	}
	quiet := hit("R1", "returning-violator", 1)
	quiet.StaffOnly = true
	for _, a := range []alerter.Alert{quiet, hit("R1", "rule-a", 2)} {
		if err := e.sink.Send(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	m, err := sub.NextMsg(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := alerter.DecodeReminder(m.Data); r.RuleID != "rule-a" {
		t.Errorf("first reminder is %q, want rule-a's (the staff-only alert reminds nobody)", r.RuleID)
	}
	if got, err := e.sink.Alerts(ctx, Query{Room: "R1"}); err != nil || len(got) != 2 || !got[0].StaffOnly {
		t.Errorf("stored %+v, %v", got, err)
	}
}

// TestGroupedAlertRemindsOfTheOpenRule: one utterance breaking a rule still
// in its cooldown and a new one reminds of the new one (led by it, the other
// listed beside it, the new rule's cooldown charged); one breaking only held
// rules reminds of nothing.
func TestGroupedAlertRemindsOfTheOpenRule(t *testing.T) {
	e := newEnv(t, Options{Cooldown: 20 * time.Second})
	ctx := testutil.Context(t, 30*time.Second)
	sub, err := e.nc.SubscribeSync(alerter.ReminderSubject("R1"))
	if err != nil {
		t.Fatal(err)
	}
	grouped := func(utt uint64, rules ...string) alerter.Alert {
		a := hit("R1", rules[0], utt)
		a.Severity = "critical"
		for i, r := range rules {
			h := hit("R1", r, utt).AllHits()[0]
			if i == 0 {
				h.Severity = "critical"
			}
			a.Hits = append(a.Hits, h)
		}
		return a
	}
	steps := []struct {
		name      string
		alert     alerter.Alert
		wantRule  string // "": no reminder
		wantAlso  []string
		wantCount int
	}{
		{"lead alone", grouped(1, "cure"), "cure", nil, 1},
		{"lead held, a new rule beside it", grouped(2, "cure", "wechat"), "wechat", []string{"cure"}, 1},
		{"both held", grouped(3, "cure", "wechat"), "", nil, 0},
		{"both held, a third open", grouped(4, "cure", "wechat", "best"), "best", []string{"cure", "wechat"}, 1},
	}
	remindedOf := map[string]bool{}
	for _, st := range steps {
		if err := e.sink.Send(ctx, st.alert); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got := reminders(t, e.nc, sub)
		if st.wantRule == "" {
			if len(got) != 0 {
				t.Errorf("%s: reminded %+v, want none", st.name, got)
			}
			continue
		}
		if len(got) != 1 || got[0].RuleID != st.wantRule || got[0].Repeat != st.wantCount {
			t.Fatalf("%s: reminders %+v, want one for %s", st.name, got, st.wantRule)
		}
		remindedOf[got[0].AlertID] = true
		var also []string
		for _, h := range got[0].Also {
			also = append(also, h.RuleID)
		}
		if !slices.Equal(also, st.wantAlso) {
			t.Errorf("%s: also %v, want %v", st.name, also, st.wantAlso)
		}
	}
	// The alerts stored are led by their most severe rule, as they were
	// sent, and each reminder names one of them.
	stored, err := e.sink.Alerts(ctx, Query{Room: "R1"})
	if err != nil || len(stored) != 4 {
		t.Fatalf("%d stored (%v), want 4", len(stored), err)
	}
	for _, a := range stored {
		if a.RuleID != "cure" {
			t.Errorf("stored alert %s led by %s, want cure", a.ID, a.RuleID)
		}
		delete(remindedOf, a.ID)
	}
	if len(remindedOf) != 0 {
		t.Errorf("reminders of alerts never stored: %v", remindedOf)
	}
}
