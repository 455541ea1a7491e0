package api

import (
	"context"
	"net/url"
	"strconv"
	"time"
)

// Escalation is raised when the same anchor was reminded of the same rule
// (or category) Count times within the policy's window: the "escalation"
// events of both event feeds and the rows of GET /v1/escalations. The
// same JSON is published on earshot.escalation.<room>.
type Escalation struct {
	Schema   int       `json:"schema"`
	ID       string    `json:"id"`
	At       time.Time `json:"at"`
	Room     string    `json:"room"`
	Anchor   string    `json:"anchor,omitempty"`
	Merchant string    `json:"merchant,omitempty"`
	Session  string    `json:"session,omitempty"`
	// Level is LevelStaff or LevelStopSuggested.
	Level    string `json:"level"`
	RuleID   string `json:"rule_id"`
	Category string `json:"category"`
	Severity string `json:"severity"`
	// Count reminders within WindowSeconds raised the level.
	Count         int `json:"count"`
	WindowSeconds int `json:"window_seconds"`
	// AlertIDs are those reminders' alerts, oldest first; the last one
	// crossed the level.
	AlertIDs []string `json:"alert_ids"`
	// Text is what the overlay shows the anchor.
	Text string `json:"text,omitempty"`
}

// Escalation levels: earshot suggests, the platform decides; earshot never
// cuts a stream itself.
const (
	// LevelStaff: a compliance alert for the top of staff's queue.
	LevelStaff = "staff"
	// LevelStopSuggested: the anchor kept on; the platform may stop the stream.
	LevelStopSuggested = "stop_suggested"
)

// Levels lists the escalation levels, the lower first.
func Levels() []string { return []string{LevelStaff, LevelStopSuggested} }

// EventEscalation is the escalation event of GET /v1/events/alerts and of
// the overlay's GET /v1/events/rooms/{room}/reminders (data: Escalation).
const EventEscalation = "escalation"

// EscalationList is GET /v1/escalations, oldest first: the newest ?limit=
// escalations since ?since= that match the filters.
type EscalationList struct {
	Escalations []Escalation `json:"escalations"`
}

// Bounds of GET /v1/escalations.
const (
	MaxEscalationLimit     = 1000
	DefaultEscalationLimit = 100
	// DefaultEscalationSince is how far back the list reads without ?since=.
	DefaultEscalationSince = 7 * 24 * time.Hour
)

// EscalationQuery filters GET /v1/escalations; zero fields do not filter.
type EscalationQuery struct {
	Room, Level, Category string
	Since                 time.Time
	// Limit is 1..MaxEscalationLimit; 0 is DefaultEscalationLimit.
	Limit int
}

// Escalations lists stored escalations (GET /v1/escalations).
func (c *Client) Escalations(ctx context.Context, eq EscalationQuery) ([]Escalation, error) {
	q := url.Values{}
	setNonEmpty(q, "room", eq.Room)
	setNonEmpty(q, "level", eq.Level)
	setNonEmpty(q, "category", eq.Category)
	if eq.Limit != 0 {
		q.Set("limit", strconv.Itoa(eq.Limit))
	}
	if !eq.Since.IsZero() {
		q.Set("since", eq.Since.UTC().Format(time.RFC3339))
	}
	var l EscalationList
	err := c.getJSON(ctx, "/v1/escalations", q, &l)
	return l.Escalations, err
}
