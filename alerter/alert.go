package alerter

import (
	"context"
	"errors"
	"slices"
	"time"
)

// SchemaVersion is bumped whenever Alert or Reminder change incompatibly.
const SchemaVersion = 1

// Alert is what compliance staff receive on earshot.alert.<category>.<room>.
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

	// Session identifies one continuous stream of the room (one upload, one
	// WHIP session, one text feed): utterance numbers restart per session.
	Session string `json:"session,omitempty"`
	// LexiconVersion is the lexicon version that matched, when known.
	LexiconVersion string `json:"lexicon_version,omitempty"`
	// Context is the utterance text the hit was found in.
	Context    string `json:"context"`
	Utterance  uint64 `json:"utterance"`
	Final      bool   `json:"final"`
	Recognizer string `json:"recognizer,omitempty"`
	// StartMs and EndMs are stream-time offsets of the match.
	StartMs int64 `json:"start_ms"`
	EndMs   int64 `json:"end_ms"`
	// Hits lists every rule the utterance broke in this hypothesis, the
	// most severe first: the fields above are that leading hit's, so a
	// consumer that knows one rule per alert keeps working. Empty in
	// alerts written before grouping (one hit, the fields above).
	Hits []AlertHit `json:"hits,omitempty"`
	// ClipURL is the API path of the alert's evidence clip (WAV of the
	// seconds around the hit). It is set before the alert is stored; the
	// clip itself appears a few seconds later, once the audio after the
	// hit has been heard (until then the path answers 404).
	ClipURL string `json:"clip_url,omitempty"`
	// StaffOnly alerts are for compliance staff alone: the sink sends the
	// anchor no reminder for them (a viewer-reports alert is a signal for
	// staff, never a verdict the anchor is told about).
	StaffOnly bool `json:"staff_only,omitempty"`
	// Reports describes the viewer reports behind a viewer-reports alert
	// (events.go); absent on every other alert.
	Reports *ReportsSummary `json:"reports,omitempty"`
	// Links, on a returning-violator alert, are the banned or flagged
	// accounts the utterance's contact identifiers belong to (links.go).
	Links []Link `json:"links,omitempty"`
}

// AlertHit is one rule broken by the alert's utterance.
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

// AllHits returns the alert's hits: Hits, or the one hit its top-level
// fields describe.
func (a Alert) AllHits() []AlertHit {
	if len(a.Hits) > 0 {
		return a.Hits
	}
	return []AlertHit{{RuleID: a.RuleID, Category: a.Category, Severity: a.Severity, Reminder: a.Reminder,
		Policy: a.Policy, Pattern: a.Pattern, MatchedText: a.MatchedText, Via: a.Via, Score: a.Score,
		StartMs: a.StartMs, EndMs: a.EndMs}}
}

// ForHit returns a copy of a whose top-level fields are hit's and which
// lists no other hits: one alert per hit, for outputs whose contract is
// one line per rule (earshot scan --format jsonl).
func (a Alert) ForHit(hit AlertHit) Alert {
	a.RuleID, a.Category, a.Severity, a.Reminder, a.Policy = hit.RuleID, hit.Category, hit.Severity, hit.Reminder, hit.Policy
	a.Pattern, a.MatchedText, a.Via, a.Score = hit.Pattern, hit.MatchedText, hit.Via, hit.Score
	a.StartMs, a.EndMs, a.Hits = hit.StartMs, hit.EndMs, nil
	return a
}

// LedBy returns a copy of a whose top-level fields are hit's, one of a's
// hits, with every hit still listed: the same alert, led by another of
// its rules (the reminder of an utterance whose leading rule is in its
// cooldown speaks of the next rule that is not).
func (a Alert) LedBy(hit AlertHit) Alert {
	hits := a.AllHits()
	led := a.ForHit(hit)
	led.Hits = hits
	return led
}

// SeverityRank orders severities, info lowest; unknown ones rank below it.
func SeverityRank(s string) int {
	switch s {
	case "critical":
		return 5
	case "high":
		return 4
	case "medium":
		return 3
	case "low":
		return 2
	case "info":
		return 1
	}
	return 0
}

// Reminder is what the anchor's overlay receives on earshot.room.<room>.reminder.
type Reminder struct {
	Schema   int       `json:"schema"`
	AlertID  string    `json:"alert_id"`
	At       time.Time `json:"at"`
	Room     string    `json:"room"`
	RuleID   string    `json:"rule_id"`
	Category string    `json:"category"`
	Severity string    `json:"severity"`
	Text     string    `json:"text"`
	// Repeat counts reminders for this rule in this room, so the overlay can
	// escalate.
	Repeat  int   `json:"repeat"`
	StartMs int64 `json:"start_ms"`
	// Also lists the other rules the sentence broke when its alert groups
	// several hits (the fields above are the leading hit's): one reminder
	// per sentence, and the overlay can still name every category.
	Also []ReminderHit `json:"also,omitempty"`
}

// ReminderHit is one more rule a reminded sentence broke.
type ReminderHit struct {
	RuleID   string `json:"rule_id"`
	Category string `json:"category"`
	Severity string `json:"severity"`
}

// Categories lists the categories the reminder covers, the leading one
// first, each once.
func (r Reminder) Categories() []string {
	out := []string{r.Category}
	for _, h := range r.Also {
		if !slices.Contains(out, h.Category) {
			out = append(out, h.Category)
		}
	}
	return out
}

// Sink delivers alerts. Send returns only after the alert is durably
// accepted (or fails); it is safe for concurrent use.
type Sink interface {
	Send(ctx context.Context, a Alert) error
	Close() error
}

// ErrUnavailable is wrapped by a Sink's Send when the alert was not stored
// because the store cannot take alerts right now (its disk is full, its
// stream is gone, its server unreachable); the rest of the error says why.
// The alert was not accepted: sending it again later may succeed.
var ErrUnavailable = errors.New("alert store unavailable")
