package alerter

import (
	"context"
	"errors"
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
	// ClipURL is the API path of the alert's evidence clip (WAV of the
	// seconds around the hit). It is set before the alert is stored; the
	// clip itself appears a few seconds later, once the audio after the
	// hit has been heard (until then the path answers 404).
	ClipURL string `json:"clip_url,omitempty"`
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
