package trust

import (
	"encoding/json"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/disposition"
)

// seqs numbers a test's messages per stream, as the streams would.
type seqs map[string]uint64

func (s seqs) msg(stream, subject string, at time.Time, v any) Msg {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	s[stream]++
	return Msg{Stream: stream, Seq: s[stream], Subject: subject, Time: at, Data: b}
}

var day1 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

const streamEvents = alerter.EventStream

func (s seqs) final(room, anchor, merchant string, at time.Time, ms int64) Msg {
	return s.msg(StreamUtt, "earshot.uttp.0."+room, at, map[string]any{"schema": 1, "session": "s1", "utterance": s[StreamUtt] + 1,
		"final": true, "text": "x", "start_ms": 1000, "end_ms": 1000 + ms, "anchor": anchor, "merchant": merchant})
}

func (s seqs) partial(room, anchor string, at time.Time, ms int64) Msg {
	return s.msg(StreamUtt, "earshot.uttp.0."+room, at, map[string]any{"schema": 1, "session": "s1", "utterance": 1,
		"final": false, "text": "x", "start_ms": 0, "end_ms": ms, "anchor": anchor})
}

func testAlert(id, room, anchor, merchant, category, severity string, at time.Time) alerter.Alert {
	return alerter.Alert{Schema: alerter.SchemaVersion, ID: id, At: at, Room: room, Anchor: anchor, Merchant: merchant,
		RuleID: "r-" + category, Category: category, Severity: severity, Reminder: "mind it", Pattern: "p",
		MatchedText: "p", Via: "exact", Context: "p", Utterance: 1, Final: true}
}

func (s seqs) alert(a alerter.Alert) Msg {
	return s.msg(alerter.AlertStream, alerter.AlertSubject(a.Category, a.Room), a.At, a)
}

func (s seqs) decide(a alerter.Alert, d disposition.Decision, at time.Time) Msg {
	return s.msg(streamEvents, disposition.Subject(a.Category, a.Room), at, disposition.Disposition{Schema: 1,
		AlertID: a.ID, Decision: d, By: "staff", At: at, Room: a.Room, Category: a.Category, RuleID: a.RuleID, AlertAt: a.At})
}

func (s seqs) reminder(a alerter.Alert, repeat int, at time.Time) Msg {
	return s.msg(streamEvents, alerter.ReminderSubject(a.Room), at, alerter.Reminder{Schema: 1, AlertID: a.ID, At: at,
		Room: a.Room, RuleID: a.RuleID, Category: a.Category, Severity: a.Severity, Text: "mind it", Repeat: repeat})
}

func (s seqs) heeded(a alerter.Alert, at time.Time) Msg {
	return s.msg(streamEvents, alerter.HeededSubject(a.Room), at, alerter.Heeded{Schema: 1, At: at.Add(10 * time.Minute),
		Room: a.Room, Anchor: a.Anchor, Merchant: a.Merchant, AlertID: a.ID, RuleID: a.RuleID, Category: a.Category,
		RemindedAt: at, WindowSeconds: 600})
}

func (s seqs) escalate(a alerter.Alert, level string, at time.Time) Msg {
	return s.msg(streamEvents, alerter.EscalationSubject(a.Room), at, alerter.Escalation{Schema: 1, ID: "e" + a.ID, At: at,
		Room: a.Room, Anchor: a.Anchor, Merchant: a.Merchant, Level: level, RuleID: a.RuleID, Category: a.Category,
		Severity: a.Severity, Count: 3, WindowSeconds: 600, AlertIDs: []string{a.ID}})
}

func (s seqs) appeal(a alerter.Alert, state string, at time.Time) Msg {
	return s.msg(streamEvents, alerter.AppealSubject(a.Room), at, alerter.Appeal{Schema: 1, ID: "ap" + a.ID, AlertID: a.ID,
		Room: a.Room, Anchor: a.Anchor, Merchant: a.Merchant, Category: a.Category, RuleID: a.RuleID, Reason: "not so",
		At: at, State: state})
}

// report names only the room, as a viewer does.
func (s seqs) report(room string, at time.Time) Msg {
	return s.msg(streamEvents, alerter.ReportSubject(room), at, map[string]any{"room": room, "at": at,
		"at_ms": 5000, "category": "false-claim", "viewer": "v1"})
}

// workedExample is docs/trust.md's example: anchor amy of merchant shop1
// on air for 2 hours, and anchor bob of shop1 for 1 clean hour.
func workedExample() []Msg { return workedExampleAt(day1) }

// workedExampleAt is the example with its events from t on.
func workedExampleAt(t time.Time) []Msg {
	s := seqs{}
	var out []Msg
	for i := range 12 {
		out = append(out, s.final("room1", "amy", "shop1", t.Add(time.Duration(i)*10*time.Minute), 600_000))
	}
	for i := range 6 {
		out = append(out, s.final("room2", "bob", "shop1", t.Add(time.Duration(i)*10*time.Minute), 600_000))
	}
	a1 := testAlert("A1", "room1", "amy", "shop1", "absolute-claims", "high", t.Add(time.Minute))
	a2 := testAlert("A2", "room1", "amy", "shop1", "absolute-claims", "medium", t.Add(2*time.Minute))
	a3 := testAlert("A3", "room1", "amy", "shop1", "medical-claims", "critical", t.Add(3*time.Minute))
	a4 := testAlert("A4", "room1", "amy", "shop1", "pressure-selling", "low", t.Add(4*time.Minute))
	a5 := testAlert("A5", "room1", "amy", "shop1", "absolute-claims", "medium", t.Add(5*time.Minute))
	crowd := testAlert("C1", "room1", "amy", "shop1", CrowdCategory, "medium", t.Add(6*time.Minute))
	for _, a := range []alerter.Alert{a1, a2, a3, a4, a5, crowd} {
		out = append(out, s.alert(a))
	}
	later := t.Add(time.Hour)
	out = append(out,
		s.decide(a1, disposition.Confirmed, later),
		s.decide(a2, disposition.Dismissed, later),
		s.decide(a3, disposition.Confirmed, later),
		s.decide(a5, disposition.Confirmed, later),
		s.decide(crowd, disposition.Confirmed, later),
		s.appeal(a3, alerter.AppealPending, later),
		s.appeal(a3, alerter.AppealUpheld, later.Add(time.Minute)),
		s.appeal(a5, alerter.AppealPending, later),
		s.appeal(a5, alerter.AppealOverturned, later.Add(time.Minute)),
		s.reminder(a1, 1, t.Add(time.Minute)),
		s.reminder(a1, 2, t.Add(2*time.Minute)),
		s.reminder(a3, 1, t.Add(3*time.Minute)),
		s.reminder(a4, 1, t.Add(4*time.Minute)),
		s.heeded(a1, t.Add(2*time.Minute)),
		s.heeded(a3, t.Add(3*time.Minute)),
		s.heeded(a4, t.Add(4*time.Minute)),
		s.escalate(a1, alerter.LevelStaff, t.Add(2*time.Minute)),
	)
	for i := range 6 {
		out = append(out, s.report("room1", t.Add(time.Duration(i)*time.Minute)))
	}
	return out
}
