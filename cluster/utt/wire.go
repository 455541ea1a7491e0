package utt

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// SchemaVersion is the version of Message.
const SchemaVersion = 1

// Limits of one message, so one bad publisher cannot make a scanner
// allocate without bound.
const (
	MaxTextBytes    = 16 << 10
	MaxAlternatives = 16
	MaxWords        = 2000
	maxIDBytes      = 128
)

// Message is one hypothesis on earshot.utt.<room>, in JSON. The room is the
// subject's last token; everything else is in the body. Times are
// milliseconds of stream time.
type Message struct {
	Schema int `json:"schema"`
	// Session names one continuous stream of the room; utterance numbers
	// restart per session. Required.
	Session string `json:"session"`
	// Utterance numbers the utterance within the session, from 1; its
	// partials and its final share it. Required.
	Utterance    uint64   `json:"utterance"`
	Final        bool     `json:"final"`
	Text         string   `json:"text"`
	Alternatives []string `json:"alternatives,omitempty"`
	Words        []Word   `json:"words,omitempty"`
	StartMs      int64    `json:"start_ms"`
	EndMs        int64    `json:"end_ms"`
	Confidence   float64  `json:"confidence,omitempty"`
	Recognizer   string   `json:"recognizer,omitempty"`
	Anchor       string   `json:"anchor,omitempty"`
	Merchant     string   `json:"merchant,omitempty"`
	// Clips says the publisher keeps the session's audio: alerts get a
	// clip URL. Platforms leave it out.
	Clips bool `json:"clips,omitempty"`
}

// Word is a recognized word with its times.
type Word struct {
	Text       string  `json:"text"`
	StartMs    int64   `json:"start_ms"`
	EndMs      int64   `json:"end_ms"`
	Confidence float64 `json:"confidence,omitempty"`
}

// FromHeard is the message of h.
func FromHeard(h pipeline.Heard, clips bool) Message {
	m := Message{
		Schema: SchemaVersion, Session: h.Session, Utterance: h.Utterance, Final: h.Final, Text: h.Text,
		Alternatives: h.Alternatives, StartMs: h.Start.Milliseconds(), EndMs: h.End.Milliseconds(),
		Confidence: h.Confidence, Recognizer: h.Recognizer, Anchor: h.Room.Anchor, Merchant: h.Room.Merchant, Clips: clips,
	}
	for _, w := range h.Words {
		m.Words = append(m.Words, Word{Text: w.Text, StartMs: w.Start.Milliseconds(), EndMs: w.End.Milliseconds(), Confidence: w.Confidence})
	}
	return m
}

// Heard is m as the scanner's input, for room.
func (m Message) Heard(room string) pipeline.Heard {
	h := pipeline.Heard{
		Room:    pipeline.Room{ID: room, Anchor: m.Anchor, Merchant: m.Merchant},
		Session: m.Session,
		Hypothesis: transcript.Hypothesis{
			Utterance: m.Utterance, Final: m.Final, Text: m.Text, Alternatives: m.Alternatives,
			Start: ms(m.StartMs), End: ms(m.EndMs), Confidence: m.Confidence, Recognizer: m.Recognizer,
		},
	}
	for _, w := range m.Words {
		h.Words = append(h.Words, transcript.Word{Text: w.Text, Start: ms(w.StartMs), End: ms(w.EndMs), Confidence: w.Confidence})
	}
	return h
}

func ms(v int64) time.Duration { return time.Duration(v) * time.Millisecond }

// ErrInvalid is wrapped by every validation error of Decode.
var ErrInvalid = errors.New("invalid utterance message")

// Decode parses and validates the message published on subject (a stored
// subject earshot.uttp.<p>.<room> or a published one earshot.utt.<room>)
// and returns it with its room. The error names the first thing wrong.
func Decode(subject string, data []byte) (Message, string, error) {
	room := subject[strings.LastIndexByte(subject, '.')+1:]
	if err := alerter.ValidRoomID(room); err != nil {
		return Message{}, "", fmt.Errorf("%w: subject %s: %w", ErrInvalid, subject, err)
	}
	var m Message
	if err := decodeBody(data, &m); err != nil {
		return Message{}, room, fmt.Errorf("%w: body is not a JSON utterance: %w", ErrInvalid, err)
	}
	if err := m.validate(); err != nil {
		return Message{}, room, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return m, room, nil
}

func (m Message) validate() error {
	switch {
	case m.Schema != SchemaVersion:
		return fmt.Errorf("schema %d: want %d", m.Schema, SchemaVersion)
	case m.Session == "" || len(m.Session) > maxIDBytes || !utf8.ValidString(m.Session):
		return fmt.Errorf("session %q: want 1 to %d bytes of UTF-8", m.Session, maxIDBytes)
	case m.Utterance == 0:
		return errors.New("utterance: want a number from 1")
	case len(m.Text) > MaxTextBytes || !utf8.ValidString(m.Text):
		return fmt.Errorf("text: want at most %d bytes of UTF-8", MaxTextBytes)
	case len(m.Alternatives) > MaxAlternatives:
		return fmt.Errorf("alternatives: %d, want at most %d", len(m.Alternatives), MaxAlternatives)
	case len(m.Words) > MaxWords:
		return fmt.Errorf("words: %d, want at most %d", len(m.Words), MaxWords)
	case m.StartMs < 0 || m.EndMs < m.StartMs:
		return fmt.Errorf("start_ms %d, end_ms %d: want 0 <= start_ms <= end_ms", m.StartMs, m.EndMs)
	case len(m.Anchor) > maxIDBytes || len(m.Merchant) > maxIDBytes || len(m.Recognizer) > maxIDBytes:
		return fmt.Errorf("anchor, merchant, recognizer: want at most %d bytes each", maxIDBytes)
	}
	for i, a := range m.Alternatives {
		if len(a) > MaxTextBytes || !utf8.ValidString(a) {
			return fmt.Errorf("alternatives[%d]: want at most %d bytes of UTF-8", i, MaxTextBytes)
		}
	}
	return nil
}
