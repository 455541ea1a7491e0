package api

import "time"

// Alert is one stored rule hit: what the alert log, the utterances answer
// and the alert event feed carry.
type Alert struct {
	Schema   int       `json:"schema"`
	ID       string    `json:"id"`
	At       time.Time `json:"at"`
	Room     string    `json:"room"`
	Anchor   string    `json:"anchor,omitempty"`
	Merchant string    `json:"merchant,omitempty"`

	RuleID      string  `json:"rule_id"`
	Category    string  `json:"category"`
	Severity    string  `json:"severity"`
	Reminder    string  `json:"reminder"`
	Policy      string  `json:"policy,omitempty"`
	Pattern     string  `json:"pattern"`
	MatchedText string  `json:"matched_text"`
	Via         string  `json:"via"`
	Score       float64 `json:"score"`

	Session        string `json:"session,omitempty"`
	LexiconVersion string `json:"lexicon_version,omitempty"`
	// Context is the utterance text the hit was found in.
	Context    string `json:"context"`
	Utterance  uint64 `json:"utterance"`
	Final      bool   `json:"final"`
	Recognizer string `json:"recognizer,omitempty"`
	// StartMs and EndMs are stream-time offsets of the match.
	StartMs int64 `json:"start_ms"`
	EndMs   int64 `json:"end_ms"`
	// Hits lists every rule the sentence broke, the most severe first; the
	// fields above are that leading hit's. Empty for a single hit.
	Hits []AlertHit `json:"hits,omitempty"`
	// ClipURL is the path of the evidence clip (GET answers 404 until the
	// audio after the hit has been heard).
	ClipURL string `json:"clip_url,omitempty"`
	// StaffOnly alerts sent the anchor no reminder (viewer-reports).
	StaffOnly bool `json:"staff_only,omitempty"`
	// Reports describes the reports behind a viewer-reports alert.
	Reports *ReportsSummary `json:"reports,omitempty"`
	// Links, on a returning-violator alert, name the banned or flagged
	// accounts whose contact identifiers the sentence said, each with the
	// evidence of the earlier mention (room, times, clip); the fields above
	// are the new mention's.
	Links []AlertLink `json:"links,omitempty"`
}

// AlertHit is one rule broken by an alert's sentence.
type AlertHit struct {
	RuleID      string  `json:"rule_id"`
	Category    string  `json:"category"`
	Severity    string  `json:"severity"`
	Reminder    string  `json:"reminder"`
	Policy      string  `json:"policy,omitempty"`
	Pattern     string  `json:"pattern"`
	MatchedText string  `json:"matched_text"`
	Via         string  `json:"via"`
	Score       float64 `json:"score"`
	StartMs     int64   `json:"start_ms"`
	EndMs       int64   `json:"end_ms"`
}

// AlertView is an alert as the console sees it: the alert, its newest
// disposition and, for GET /v1/alerts/{id}, every kept revision.
type AlertView struct {
	Alert
	Disposition *Disposition  `json:"disposition,omitempty"`
	History     []Disposition `json:"history,omitempty"`
	// Corroboration: viewer reports fell on this alert's moment (absent
	// when none did).
	Corroboration *Corroboration `json:"corroboration,omitempty"`
	// Poll is the viewers' poll on this alert, with its counts.
	Poll *Poll `json:"poll,omitempty"`
}

// AlertList is GET /v1/alerts, oldest first: the newest ?limit= alerts
// matching, or those stored before ?before=.
type AlertList struct {
	Alerts []AlertView `json:"alerts"`
	// NextBefore is the ?before= of the page of older alerts; absent on
	// the oldest page.
	NextBefore uint64 `json:"next_before,omitempty"`
}

// MaxAlertLimit bounds ?limit= of GET /v1/alerts; older alerts are read
// page by page with ?before=.
const MaxAlertLimit = 1000

// AlertQuery filters GET /v1/alerts; zero fields do not filter.
type AlertQuery struct {
	Room, Category string
	// Limit is 1..MaxAlertLimit; 0 is the server's default.
	Limit int
	Since time.Time
	// Before is the NextBefore of a previous page: alerts stored before it.
	Before uint64
	// Disposition is a decision, "none" (unreviewed) or "any" (reviewed).
	Disposition string
}

// Decision is a reviewer's verdict on an alert.
type Decision string

// The decisions.
const (
	Confirmed   Decision = "confirmed"
	Dismissed   Decision = "dismissed"
	NeedsReview Decision = "needs_review"
)

// DispositionRequest is the body of POST /v1/alerts/{id}/disposition.
type DispositionRequest struct {
	Decision Decision `json:"decision"`
	Note     string   `json:"note"`
	By       string   `json:"by"`
}

// Disposition is a stored decision on an alert.
type Disposition struct {
	Schema   int       `json:"schema"`
	AlertID  string    `json:"alert_id"`
	Decision Decision  `json:"decision"`
	Note     string    `json:"note,omitempty"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
	Room     string    `json:"room"`
	Category string    `json:"category"`
	RuleID   string    `json:"rule_id"`
	// Session, Utterance and AlertAt place the alert in the transcript.
	Session   string    `json:"session,omitempty"`
	Utterance uint64    `json:"utterance,omitempty"`
	AlertAt   time.Time `json:"alert_at,omitzero"`
	// Revision grows with every decision stored anywhere.
	Revision uint64 `json:"revision"`
}

// Reminder is what an anchor's overlay receives: the "reminder" events of
// GET /v1/events/rooms/{room}/reminders.
type Reminder struct {
	Schema   int       `json:"schema"`
	AlertID  string    `json:"alert_id"`
	At       time.Time `json:"at"`
	Room     string    `json:"room"`
	RuleID   string    `json:"rule_id"`
	Category string    `json:"category"`
	Severity string    `json:"severity"`
	Text     string    `json:"text"`
	// Repeat counts reminders for this rule in this room.
	Repeat  int   `json:"repeat"`
	StartMs int64 `json:"start_ms"`
	// Also lists the other rules the sentence broke (its alert's other
	// hits): one reminder per sentence.
	Also []ReminderHit `json:"also,omitempty"`
}

// ReminderHit is one more rule a reminded sentence broke.
type ReminderHit struct {
	RuleID   string `json:"rule_id"`
	Category string `json:"category"`
	Severity string `json:"severity"`
}

// The event names of the Server-Sent Event feeds. Every feed starts with
// EventReady once it is subscribed; data is one line of JSON (Alert,
// Disposition or Reminder).
const (
	EventReady       = "ready"
	EventAlert       = "alert"
	EventDisposition = "disposition"
	EventReminder    = "reminder"
)
