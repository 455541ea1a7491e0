package escalation

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/earshot/earshot/alerter"
)

// Policy is the resolved escalation policy of one alert's leading hit.
type Policy struct {
	// Window is the sliding window reminders are counted in.
	Window time.Duration
	// Staff and StopSuggested are the counts that raise each level; 0
	// never does.
	Staff, StopSuggested int
	// Heeded is how long the rule must stay unbroken after a reminder.
	Heeded time.Duration
	// PerCategory counts reminders of any rule of the category instead of
	// the same rule.
	PerCategory bool
}

// maxMarks bounds a tally: no level counts further (lexicon's
// MaxEscalationCount).
const maxMarks = 100

// tally is one count: the reminders of one anchor and rule (or category)
// in the current window, the levels fired since the count last started
// from zero, and the escalations stored but not yet published (outbox).
type tally struct {
	Marks  []mark               `json:"marks"`
	Fired  []string             `json:"fired,omitempty"`
	Outbox []alerter.Escalation `json:"outbox,omitempty"`
}

type mark struct {
	At      time.Time `json:"at"`
	AlertID string    `json:"alert_id"`
}

// levels in the order they are reached.
var levels = []string{alerter.LevelStaff, alerter.LevelStopSuggested}

func (p Policy) threshold(level string) int {
	if level == alerter.LevelStaff {
		return p.Staff
	}
	return p.StopSuggested
}

// record adds a's reminder at now to t and returns the levels it crossed,
// as escalations (also appended to t.Outbox). key names the count: it
// makes the escalation ids deterministic, so the same crossing seen twice
// (a redelivery) is one id.
func (t *tally) record(key string, a alerter.Alert, p Policy, now time.Time) []alerter.Escalation {
	kept := t.Marks[:0]
	for _, m := range t.Marks {
		if now.Sub(m.At) < p.Window {
			kept = append(kept, m)
		}
	}
	t.Marks = kept
	if len(t.Marks) == 0 {
		t.Fired = nil // a whole window without a reminder: every level is armed again
	}
	for _, m := range t.Marks {
		if m.AlertID == a.ID {
			return nil // this reminder was counted already (a retried Observe)
		}
	}
	t.Marks = append(t.Marks, mark{At: now, AlertID: a.ID})
	if len(t.Marks) > maxMarks {
		t.Marks = t.Marks[len(t.Marks)-maxMarks:]
	}
	var out []alerter.Escalation
	for _, lv := range levels {
		n := p.threshold(lv)
		if n <= 0 || len(t.Marks) < n || t.fired(lv) {
			continue
		}
		t.Fired = append(t.Fired, lv)
		e := escalationOf(key, lv, a, p, now, t.Marks)
		t.Outbox = append(t.Outbox, e)
		out = append(out, e)
	}
	return out
}

func (t *tally) fired(level string) bool {
	for _, f := range t.Fired {
		if f == level {
			return true
		}
	}
	return false
}

// drop removes the escalations with these ids from the outbox.
func (t *tally) drop(ids map[string]bool) {
	kept := t.Outbox[:0]
	for _, e := range t.Outbox {
		if !ids[e.ID] {
			kept = append(kept, e)
		}
	}
	t.Outbox = kept
}

func escalationOf(key, level string, a alerter.Alert, p Policy, now time.Time, marks []mark) alerter.Escalation {
	ids := make([]string, len(marks))
	for i, m := range marks {
		ids[i] = m.AlertID
	}
	return alerter.Escalation{
		Schema: alerter.SchemaVersion, ID: EscalationID(key, level, a.ID), At: now,
		Room: a.Room, Anchor: a.Anchor, Merchant: a.Merchant, Session: a.Session,
		Level: level, RuleID: a.RuleID, Category: a.Category, Severity: a.Severity,
		Count: len(marks), WindowSeconds: int(p.Window / time.Second), AlertIDs: ids, Text: a.Reminder,
	}
}

// EscalationID is the id (and Nats-Msg-Id) of the escalation to level
// that the alert crossing raised for the count key.
func EscalationID(key, level, alertID string) string {
	return "esc-" + digest(key + "\x00" + level + "\x00" + alertID)[:20]
}

// HeededID is the Nats-Msg-Id of the heeded event of the alert's reminder.
func HeededID(alertID string) string { return "heeded-" + alertID }

// who is the anchor a count belongs to: the room's anchor id when known
// (an anchor moving between rooms keeps the count), else the room.
func who(a alerter.Alert) string {
	if a.Anchor != "" {
		return "anchor\x00" + a.Anchor
	}
	return "room\x00" + a.Room
}

// countKey is the KV key of a's count under p.
func countKey(a alerter.Alert, p Policy) string {
	what := "rule\x00" + a.RuleID
	if p.PerCategory {
		what = "category\x00" + a.Category
	}
	return "count." + digest(who(a) + "\x00" + what)[:32]
}

// heededKey is the KV key of the heeded deadline of rule in room; room is
// a valid room id (one subject token, so one key token).
func heededKey(room, rule string) string { return "heeded." + room + "." + digest(rule)[:24] }

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
