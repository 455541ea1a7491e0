package disposition

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Decision is what a reviewer decided about an alert.
type Decision string

// The decisions a reviewer can take.
const (
	Confirmed   Decision = "confirmed"
	Dismissed   Decision = "dismissed"
	NeedsReview Decision = "needs_review"
)

// Decisions lists every valid Decision.
var Decisions = []Decision{Confirmed, Dismissed, NeedsReview}

// Limits on a request.
const (
	MaxRequestBytes = 64 << 10
	MaxNoteBytes    = 4000
	MaxByBytes      = 128
)

// ErrInvalid is wrapped by every decoding and validation error.
var ErrInvalid = errors.New("invalid disposition")

// Request is what a reviewer posts: a decision, an optional note and who
// decided.
type Request struct {
	Decision Decision `json:"decision"`
	Note     string   `json:"note"`
	By       string   `json:"by"`
}

// Valid reports whether d is one of Decisions.
func (d Decision) Valid() bool {
	for _, v := range Decisions {
		if d == v {
			return true
		}
	}
	return false
}

// DecodeRequest parses and validates a request body: one JSON object with
// the fields of Request and no others.
func DecodeRequest(data []byte) (Request, error) {
	if len(data) > MaxRequestBytes {
		return Request{}, fmt.Errorf("%w: body is %d bytes, more than %d", ErrInvalid, len(data), MaxRequestBytes)
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return Request{}, fmt.Errorf("%w: body is empty: send {\"decision\": \"confirmed\", \"by\": \"...\"}", ErrInvalid)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var req Request
	if err := dec.Decode(&req); err != nil {
		return Request{}, fmt.Errorf("%w: body is not a disposition object: %w", ErrInvalid, err)
	}
	if dec.More() {
		return Request{}, fmt.Errorf("%w: body has data after the JSON object", ErrInvalid)
	}
	if err := req.Validate(); err != nil {
		return Request{}, err
	}
	return req, nil
}

// Validate checks each field and names the first that is wrong.
func (r Request) Validate() error {
	switch {
	case !r.Decision.Valid():
		return fmt.Errorf("%w: decision %q: want confirmed, dismissed or needs_review", ErrInvalid, r.Decision)
	case strings.TrimSpace(r.By) == "":
		return fmt.Errorf("%w: by: say who decided (a name or staff id)", ErrInvalid)
	case len(r.By) > MaxByBytes:
		return fmt.Errorf("%w: by: longer than %d bytes", ErrInvalid, MaxByBytes)
	case len(r.Note) > MaxNoteBytes:
		return fmt.Errorf("%w: note: longer than %d bytes", ErrInvalid, MaxNoteBytes)
	case !utf8.ValidString(r.By) || !utf8.ValidString(r.Note):
		return fmt.Errorf("%w: by, note: not valid UTF-8", ErrInvalid)
	case hasControl(r.By):
		return fmt.Errorf("%w: by: contains control characters", ErrInvalid)
	}
	return nil
}

func hasControl(s string) bool {
	for _, c := range s {
		if c < 0x20 || c == 0x7f {
			return true
		}
	}
	return false
}

// ValidAlertID reports whether id can be an alert id and a key in the
// bucket: 1 to 64 bytes of [A-Za-z0-9_-].
func ValidAlertID(id string) error {
	if id == "" || len(id) > 64 {
		return fmt.Errorf("%w: alert id %q: want 1 to 64 bytes", ErrInvalid, id)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return fmt.Errorf("%w: alert id %q: byte %q at %d is not in [A-Za-z0-9_-]", ErrInvalid, id, c, i)
		}
	}
	return nil
}
