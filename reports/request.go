package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/earshot/earshot/lexicon"
)

// Limits of a report body.
const (
	// MaxBody bounds the request body.
	MaxBody = 4 << 10
	// MaxText bounds the viewer's own words, in characters.
	MaxText = 280
	// MaxAtMs is the latest stream moment a report may name at all (a
	// 30-day stream); moments past the room's current position are refused
	// separately (ErrFuture).
	MaxAtMs = 30 * 24 * 3600 * 1000
)

// CategoryOther is the report category for "something else is wrong".
const CategoryOther = "other"

// Categories are the categories a report may name: the lexicon's (one
// list, lexicon.Categories) and CategoryOther.
func Categories() []string {
	var out []string
	for _, t := range lexicon.Categories() {
		out = append(out, t.ID)
	}
	return append(out, CategoryOther)
}

// Errors of a report, each wrapped with the detail; the API maps each to
// its own error code.
var (
	ErrBody     = errors.New("report body is malformed")
	ErrTime     = errors.New("at_ms is missing or not a stream time")
	ErrFuture   = errors.New("at_ms is ahead of the room's stream")
	ErrCategory = errors.New("category is unknown")
	ErrText     = errors.New("text is too long or not text")
)

// Request is the body of POST /v1/rooms/{room}/reports.
type Request struct {
	// AtMs is the moment of the room's stream the viewer reports, in
	// milliseconds of stream time (the clock of alerts' start_ms).
	AtMs     int64  `json:"at_ms"`
	Category string `json:"category"`
	// Text is optional: the viewer's own words, at most MaxText characters.
	Text string `json:"text,omitempty"`
}

// wireRequest keeps at_ms raw so a fraction, a string or an overflow is
// refused by name instead of rounded.
type wireRequest struct {
	AtMs     json.RawMessage `json:"at_ms"`
	Category *string         `json:"category"`
	Text     *string         `json:"text"`
}

// DecodeRequest parses and checks a report body: one JSON object with a
// whole at_ms in [0, MaxAtMs], a known category and at most MaxText
// characters of printable text. Unknown fields are refused.
func DecodeRequest(body []byte) (Request, error) {
	if len(body) > MaxBody {
		return Request{}, fmt.Errorf("%w: larger than %d bytes", ErrBody, MaxBody)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var w wireRequest
	if err := dec.Decode(&w); err != nil {
		return Request{}, fmt.Errorf("%w: %v (want {\"at_ms\": N, \"category\": \"...\", \"text\": \"...\"})", ErrBody, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Request{}, fmt.Errorf("%w: data after the JSON object", ErrBody)
	}
	var r Request
	var err error
	if r.AtMs, err = parseAtMs(w.AtMs); err != nil {
		return Request{}, err
	}
	if w.Category == nil || *w.Category == "" {
		return Request{}, fmt.Errorf("%w: category is required, one of %s", ErrCategory, strings.Join(Categories(), ", "))
	}
	if !slices.Contains(Categories(), *w.Category) {
		return Request{}, fmt.Errorf("%w: %q: want one of %s", ErrCategory, clip(*w.Category, 40), strings.Join(Categories(), ", "))
	}
	r.Category = *w.Category
	if w.Text != nil {
		if r.Text, err = cleanText(*w.Text); err != nil {
			return Request{}, err
		}
	}
	return r, nil
}

func parseAtMs(raw json.RawMessage) (int64, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return 0, fmt.Errorf("%w: at_ms is required: the moment of the stream in milliseconds", ErrTime)
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil {
		return 0, fmt.Errorf("%w: at_ms %s is not a number", ErrTime, clip(s, 40))
	}
	switch {
	case math.IsNaN(f) || f != math.Trunc(f) || strings.ContainsAny(s, ".eE"):
		return 0, fmt.Errorf("%w: at_ms %s: want whole milliseconds", ErrTime, clip(s, 40))
	case f < 0:
		return 0, fmt.Errorf("%w: at_ms %s is before the stream started", ErrTime, clip(s, 40))
	case f > MaxAtMs:
		return 0, fmt.Errorf("%w: at_ms %s is more than 30 days into a stream", ErrFuture, clip(s, 40))
	}
	return int64(f), nil
}

// cleanText trims the text and refuses invalid UTF-8, control characters
// and more than MaxText characters.
func cleanText(s string) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("%w: not valid UTF-8", ErrText)
	}
	if n := utf8.RuneCountInString(s); n > MaxText {
		return "", fmt.Errorf("%w: %d characters, at most %d", ErrText, n, MaxText)
	}
	for _, c := range s {
		if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
			return "", fmt.Errorf("%w: control character %U", ErrText, c)
		}
	}
	return s, nil
}

func clip(s string, n int) string { return clipRunes(s, n) }
