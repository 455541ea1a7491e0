package cases

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/earshot/earshot/alerter"
)

// State is where a case is in review.
type State string

// The states of a case. An assigned case is open with an Assignee.
const (
	StateOpen      State = "open"
	StateConfirmed State = "confirmed"
	StateDismissed State = "dismissed"
)

// Limits of one case.
const (
	// MaxHits bounds a case: the next hit of the same anchor starts a new
	// case, so one entry stays well under the bucket's value size.
	MaxHits = 100
	// MaxNotes bounds the notes kept on a case (the oldest go first).
	MaxNotes = 50
	// MaxNoteBytes bounds one note.
	MaxNoteBytes = 4000
	// MaxByBytes bounds who assigned, noted or decided.
	MaxByBytes = 128
)

// Case is one anchor's run of hits that staff review together. Its ID is
// the id of its first alert.
type Case struct {
	ID       string `json:"id"`
	Room     string `json:"room"`
	Anchor   string `json:"anchor,omitempty"`
	Merchant string `json:"merchant,omitempty"`
	Session  string `json:"session,omitempty"`
	// FirstAt and LastAt are the times of its first and last hit.
	FirstAt time.Time `json:"first_at"`
	LastAt  time.Time `json:"last_at"`
	// Severity is the most severe of its hits'; Categories every
	// category its hits broke, in the order first seen.
	Severity   string   `json:"severity"`
	Categories []string `json:"categories"`
	// Escalation is the highest escalation level raised on one of its
	// alerts (alerter.LevelStaff, alerter.LevelStopSuggested), or "".
	Escalation string `json:"escalation,omitempty"`
	// Corroboration is the viewers' reports of its alerts' moments, if any.
	Corroboration *Corroboration `json:"corroboration,omitempty"`
	Hits          []Hit          `json:"hits"`
	// HitCount is len(Hits), kept where a summary leaves the hits out.
	HitCount int    `json:"hit_count"`
	State    State  `json:"state"`
	Assignee string `json:"assignee,omitempty"`
	// AssignedAt is when Assignee took it.
	AssignedAt time.Time `json:"assigned_at,omitzero"`
	Notes      []Note    `json:"notes,omitempty"`
	// DecidedBy, DecidedAt and DecisionNote are set once decided.
	DecidedBy    string    `json:"decided_by,omitempty"`
	DecidedAt    time.Time `json:"decided_at,omitzero"`
	DecisionNote string    `json:"decision_note,omitempty"`
	// Revision is the bucket's revision of the entry (not stored).
	Revision uint64 `json:"-"`
	// escRank, sevRank and corrRank are the queue's sort keys, set in the
	// index so that a listing compares integers.
	escRank, sevRank, corrRank int
}

// Hit is one alert of a case: what was said and where its evidence is.
type Hit struct {
	AlertID     string    `json:"alert_id"`
	At          time.Time `json:"at"`
	RuleID      string    `json:"rule_id"`
	Category    string    `json:"category"`
	Severity    string    `json:"severity"`
	Reminder    string    `json:"reminder,omitempty"`
	MatchedText string    `json:"matched_text"`
	// Context is the sentence the hit was found in.
	Context   string `json:"context"`
	Utterance uint64 `json:"utterance"`
	StartMs   int64  `json:"start_ms"`
	EndMs     int64  `json:"end_ms"`
	ClipURL   string `json:"clip_url,omitempty"`
	// Rules lists every rule the sentence broke when it broke several, the
	// leading one (the fields above) first.
	Rules []string `json:"rules,omitempty"`
}

// Note is a reviewer's note on a case.
type Note struct {
	By   string    `json:"by"`
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// Decided reports whether the case has a decision.
func (c *Case) Decided() bool { return c.State == StateConfirmed || c.State == StateDismissed }

// Category is the leading category of the case: its first hit's.
func (c *Case) Category() string {
	if len(c.Categories) == 0 {
		return ""
	}
	return c.Categories[0]
}

// AlertIDs are the ids of its alerts, oldest first.
func (c *Case) AlertIDs() []string {
	out := make([]string, len(c.Hits))
	for i, h := range c.Hits {
		out[i] = h.AlertID
	}
	return out
}

// Alert rebuilds enough of hit's alert for a disposition to be recorded on
// it (id, room, rule, category, session, utterance, time).
func (c *Case) Alert(h Hit) alerter.Alert {
	return alerter.Alert{Schema: alerter.SchemaVersion, ID: h.AlertID, At: h.At, Room: c.Room, Anchor: c.Anchor,
		Merchant: c.Merchant, Session: c.Session, RuleID: h.RuleID, Category: h.Category, Severity: h.Severity,
		MatchedText: h.MatchedText, Context: h.Context, Utterance: h.Utterance, StartMs: h.StartMs, EndMs: h.EndMs,
		ClipURL: h.ClipURL}
}

// groupKey names the run an alert belongs to: its anchor (else its room),
// room and session. Anchor names are free text, so the key is a hash that
// is always a valid bucket key.
func groupKey(a alerter.Alert) string {
	who := a.Anchor
	if who == "" {
		who = "room:" + a.Room
	}
	sum := sha256.Sum256([]byte(who + "\x00" + a.Room + "\x00" + a.Session))
	return hex.EncodeToString(sum[:12])
}

func newCase(a alerter.Alert) Case {
	c := Case{ID: a.ID, Room: a.Room, Anchor: a.Anchor, Merchant: a.Merchant, Session: a.Session,
		FirstAt: a.At, LastAt: a.At, State: StateOpen}
	c.add(a)
	return c
}

// accepts reports whether a continues case c: open, not full, and within
// window of its last hit (alerts of one run arrive in order, but a late
// one within the window still joins).
func (c *Case) accepts(a alerter.Alert, window time.Duration) bool {
	return !c.Decided() && len(c.Hits) < MaxHits && a.At.Sub(c.LastAt) <= window && c.LastAt.Sub(a.At) <= window
}

func (c *Case) has(alertID string) bool {
	return slices.ContainsFunc(c.Hits, func(h Hit) bool { return h.AlertID == alertID })
}

func (c *Case) add(a alerter.Alert) {
	hit := Hit{AlertID: a.ID, At: a.At, RuleID: a.RuleID, Category: a.Category, Severity: a.Severity,
		Reminder: a.Reminder, MatchedText: a.MatchedText, Context: a.Context, Utterance: a.Utterance,
		StartMs: a.StartMs, EndMs: a.EndMs, ClipURL: a.ClipURL}
	for _, x := range a.AllHits() {
		if len(a.Hits) > 1 {
			hit.Rules = append(hit.Rules, x.RuleID)
		}
		if !slices.Contains(c.Categories, x.Category) {
			c.Categories = append(c.Categories, x.Category)
		}
		if alerter.SeverityRank(x.Severity) > alerter.SeverityRank(c.Severity) {
			c.Severity = x.Severity
		}
	}
	i, _ := slices.BinarySearchFunc(c.Hits, a.At, func(h Hit, t time.Time) int { return h.At.Compare(t) })
	c.Hits = slices.Insert(c.Hits, i, hit)
	c.HitCount = len(c.Hits)
	if a.At.Before(c.FirstAt) {
		c.FirstAt = a.At
	}
	if a.At.After(c.LastAt) {
		c.LastAt = a.At
	}
}

// LevelRank orders escalation levels: none, staff, stop_suggested.
func LevelRank(level string) int {
	switch level {
	case alerter.LevelStaff:
		return 1
	case alerter.LevelStopSuggested:
		return 2
	}
	return 0
}

// escalate raises the case to level; it reports whether that changed it.
func (c *Case) escalate(level string) bool {
	if LevelRank(level) <= LevelRank(c.Escalation) {
		return false
	}
	c.Escalation = level
	return true
}

// ranked sets c's sort keys.
func (c *Case) ranked() {
	c.escRank, c.sevRank, c.corrRank = LevelRank(c.Escalation), alerter.SeverityRank(c.Severity), c.corroborationRank()
}

// queueLess is the queue's order: the highest escalation first, then the
// most severe, then the most corroborated by viewers' reports (their
// weight), then the oldest (the longest waiting), then by id.
func queueLess(a, b *Case) int {
	if d := b.escRank - a.escRank; d != 0 {
		return d
	}
	if d := b.sevRank - a.sevRank; d != 0 {
		return d
	}
	if d := b.corrRank - a.corrRank; d != 0 {
		return d
	}
	if d := a.FirstAt.Compare(b.FirstAt); d != 0 {
		return d
	}
	return strings.Compare(a.ID, b.ID)
}
