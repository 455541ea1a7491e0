package alerter

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ErrInvalid is wrapped by every validation and decoding error in this
// package.
var ErrInvalid = errors.New("invalid message")

// maxMessageBytes bounds what DecodeAlert and DecodeReminder accept.
const maxMessageBytes = 1 << 20

// Validate checks what a Sink needs before it may publish a: a room id and a
// category that are safe subject tokens, and a rule id. Schema and ID are not
// checked: sinks fill them in.
func (a Alert) Validate() error {
	if err := ValidRoomID(a.Room); err != nil {
		return fmt.Errorf("%w: alert: %w", ErrInvalid, err)
	}
	if err := ValidCategory(a.Category); err != nil {
		return fmt.Errorf("%w: alert: %w", ErrInvalid, err)
	}
	if a.RuleID == "" {
		return fmt.Errorf("%w: alert: empty rule_id", ErrInvalid)
	}
	return nil
}

// Validate checks a reminder the way a subscriber should before showing it.
func (r Reminder) Validate() error {
	if err := checkSchema(r.Schema); err != nil {
		return fmt.Errorf("%w: reminder: %w", ErrInvalid, err)
	}
	if err := ValidRoomID(r.Room); err != nil {
		return fmt.Errorf("%w: reminder: %w", ErrInvalid, err)
	}
	if r.RuleID == "" || r.AlertID == "" {
		return fmt.Errorf("%w: reminder: empty rule_id or alert_id", ErrInvalid)
	}
	if r.Repeat < 1 {
		return fmt.Errorf("%w: reminder: repeat %d < 1", ErrInvalid, r.Repeat)
	}
	return nil
}

// DecodeAlert parses and validates the body of a message on an alert
// subject. Unknown fields are ignored, so newer writers may add fields.
func DecodeAlert(data []byte) (Alert, error) {
	var a Alert
	if err := decode(data, &a); err != nil {
		return Alert{}, fmt.Errorf("%w: alert: %w", ErrInvalid, err)
	}
	if err := checkSchema(a.Schema); err != nil {
		return Alert{}, fmt.Errorf("%w: alert: %w", ErrInvalid, err)
	}
	if a.ID == "" {
		return Alert{}, fmt.Errorf("%w: alert: empty id", ErrInvalid)
	}
	if err := a.Validate(); err != nil {
		return Alert{}, err
	}
	return a, nil
}

// DecodeReminder parses and validates the body of a message on a reminder
// subject.
func DecodeReminder(data []byte) (Reminder, error) {
	var r Reminder
	if err := decode(data, &r); err != nil {
		return Reminder{}, fmt.Errorf("%w: reminder: %w", ErrInvalid, err)
	}
	if err := r.Validate(); err != nil {
		return Reminder{}, err
	}
	return r, nil
}

func decode(data []byte, v any) error {
	if len(data) > maxMessageBytes {
		return fmt.Errorf("%d bytes, more than %d", len(data), maxMessageBytes)
	}
	return json.Unmarshal(data, v)
}

func checkSchema(v int) error {
	if v != SchemaVersion {
		return fmt.Errorf("schema %d, want %d", v, SchemaVersion)
	}
	return nil
}

// DecodeEscalation parses and validates the body of a message on an
// escalation subject.
func DecodeEscalation(data []byte) (Escalation, error) {
	var e Escalation
	if err := decode(data, &e); err != nil {
		return Escalation{}, fmt.Errorf("%w: escalation: %w", ErrInvalid, err)
	}
	if err := checkSchema(e.Schema); err != nil {
		return Escalation{}, fmt.Errorf("%w: escalation: %w", ErrInvalid, err)
	}
	if err := ValidRoomID(e.Room); err != nil {
		return Escalation{}, fmt.Errorf("%w: escalation: %w", ErrInvalid, err)
	}
	if e.ID == "" || e.RuleID == "" || (e.Level != LevelStaff && e.Level != LevelStopSuggested) {
		return Escalation{}, fmt.Errorf("%w: escalation: empty id or rule_id, or unknown level %q", ErrInvalid, e.Level)
	}
	return e, nil
}
