package alerter

import (
	"errors"
	"strings"
	"testing"
)

func TestValidRoomID(t *testing.T) {
	tests := []struct {
		room string
		ok   bool
	}{
		{"R1", true},
		{"room_42-b", true},
		{strings.Repeat("a", 64), true},
		{"", false},
		{strings.Repeat("a", 65), false},
		{"a.b", false},
		{"*", false},
		{">", false},
		{"a b", false},
		{"a\tb", false},
		{"a\x00", false},
		{"直播间", false},
		{"a/b", false},
	}
	for _, tt := range tests {
		err := ValidRoomID(tt.room)
		if (err == nil) != tt.ok {
			t.Errorf("ValidRoomID(%q) = %v", tt.room, err)
		}
		if err != nil && !errors.Is(err, ErrInvalidToken) {
			t.Errorf("ValidRoomID(%q) error does not wrap ErrInvalidToken", tt.room)
		}
		if err := ValidCategory(tt.room); (err == nil) != tt.ok {
			t.Errorf("ValidCategory(%q) = %v", tt.room, err)
		}
	}
}

func TestSubjects(t *testing.T) {
	tests := []struct{ got, want string }{
		{AlertSubject("private-goods", "R1"), "earshot.alert.private-goods.R1"},
		{ReminderSubject("R1"), "earshot.room.R1.reminder"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
