package alerter

import (
	"errors"
	"fmt"
)

// NATS names used by earshot. See the package documentation for the
// subject layout.
const (
	// AlertStream is the JetStream stream that stores alerts.
	AlertStream = "EARSHOT_ALERTS"
	// AlertSubjectPrefix is the first two tokens of every alert subject.
	AlertSubjectPrefix = "earshot.alert"
	// AlertSubjects is the stream's subject filter.
	AlertSubjects = AlertSubjectPrefix + ".>"
	// RoomSubjectPrefix is the first two tokens of every room subject.
	RoomSubjectPrefix = "earshot.room"

	// HeaderSchema carries SchemaVersion on every message earshot publishes.
	HeaderSchema = "Earshot-Schema"
	// HeaderContentType carries ContentTypeJSON.
	HeaderContentType = "Content-Type"
	// ContentTypeJSON is the body type of alerts and reminders.
	ContentTypeJSON = "application/json"

	// maxTokenLen bounds room ids and categories.
	maxTokenLen = 64
)

// ErrInvalidToken is wrapped by ValidRoomID and ValidCategory.
var ErrInvalidToken = errors.New("invalid subject token")

// AlertSubject is earshot.alert.<category>.<room>. It does not validate:
// call ValidCategory and ValidRoomID (or Alert.Validate) first.
func AlertSubject(category, room string) string {
	return AlertSubjectPrefix + "." + category + "." + room
}

// ReminderSubject is earshot.room.<room>.reminder. It does not validate:
// call ValidRoomID first.
func ReminderSubject(room string) string {
	return RoomSubjectPrefix + "." + room + ".reminder"
}

// ValidRoomID reports whether room matches [A-Za-z0-9_-]{1,64}, so it is a
// single, wildcard-free NATS subject token.
func ValidRoomID(room string) error {
	if err := validToken(room); err != nil {
		return fmt.Errorf("room id %q: %w", room, err)
	}
	return nil
}

// ValidCategory applies the room id rule to a rule category.
func ValidCategory(category string) error {
	if err := validToken(category); err != nil {
		return fmt.Errorf("category %q: %w", category, err)
	}
	return nil
}

func validToken(s string) error {
	if s == "" {
		return fmt.Errorf("%w: empty", ErrInvalidToken)
	}
	if len(s) > maxTokenLen {
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidToken, maxTokenLen)
	}
	for i := 0; i < len(s); i++ {
		if !tokenByte(s[i]) {
			return fmt.Errorf("%w: byte %q at %d is not in [A-Za-z0-9_-]", ErrInvalidToken, s[i], i)
		}
	}
	return nil
}

func tokenByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}
