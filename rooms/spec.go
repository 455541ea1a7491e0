package rooms

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/pipeline"
)

// SourceWHIP is the Spec.Source of a room fed by WHIP publishers.
const SourceWHIP = "whip"

// Limits on a room registration.
const (
	maxSpecBody  = 16 << 10
	maxTagBytes  = 128
	maxURLBytes  = 2048
	maxTokenSize = 4096
)

// Spec is a registered room: who broadcasts in it and where its audio comes
// from. It is what POST /v1/rooms takes and what the data dir stores.
type Spec struct {
	ID       string `json:"id"`
	Anchor   string `json:"anchor,omitempty"`
	Merchant string `json:"merchant,omitempty"`
	// Source is "whip" (publishers push to /whip/{id}) or a URL pulled by
	// the server (rtmp://, srt://, https://…/index.m3u8, …).
	Source string `json:"source"`
	// Token, if set, is passed to the puller (e.g. a WHEP bearer token). It
	// is stored but never shown by the API.
	Token string `json:"token,omitempty"`
	// Recognizer, if set, names the ASR engine for this room (one of the
	// engines the server is configured for, e.g. "openai" for a room whose
	// language the embedded model does not speak); empty uses the default.
	Recognizer string `json:"recognizer,omitempty"`
}

// Room is the pipeline identity of the spec.
func (s Spec) Room() pipeline.Room {
	return pipeline.Room{ID: s.ID, Anchor: s.Anchor, Merchant: s.Merchant}
}

// Pulled reports whether the server fetches this room's audio itself.
func (s Spec) Pulled() bool { return s.Source != SourceWHIP }

// FieldError names the registration field that is wrong.
type FieldError struct {
	Field   string
	Problem string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Problem }

// ErrInvalid is wrapped by every registration error a client caused.
var ErrInvalid = errors.New("invalid room")

func fieldErr(field, format string, args ...any) error {
	return fmt.Errorf("%w: %w", ErrInvalid, &FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
}

// DecodeSpec reads one JSON room registration, rejecting unknown fields,
// trailing data and anything Validate rejects.
func DecodeSpec(r io.Reader, schemes []string) (Spec, error) {
	body, err := io.ReadAll(io.LimitReader(r, maxSpecBody+1))
	if err != nil {
		return Spec{}, fmt.Errorf("%w: reading body: %w", ErrInvalid, err)
	}
	if len(body) > maxSpecBody {
		return Spec{}, fieldErr("body", "longer than %d bytes", maxSpecBody)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return Spec{}, fieldErr("body", `empty: send {"id": ..., "source": ...}`)
	}
	var s Spec
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Spec{}, jsonErr(err)
	}
	if dec.More() {
		return Spec{}, fieldErr("body", "data after the JSON object")
	}
	return s, s.Validate(schemes)
}

// jsonErr turns a decoding error into one that names the field.
func jsonErr(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := typeErr.Field
		if field == "" {
			return fieldErr("body", "want a JSON object, got %s", typeErr.Value)
		}
		return fieldErr(field, "want a %s, got %s", typeErr.Type, typeErr.Value)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return fieldErr(strings.Trim(name, `"`), "unknown field (want id, anchor, merchant, source, token)")
	}
	return fieldErr("body", "not a JSON object: %v", err)
}

// Validate checks every field; schemes lists the accepted URL schemes of a
// pulled source (the wiring passes ingest/pull's RemoteSchemes; none: only
// WHIP rooms).
func (s Spec) Validate(schemes []string) error {
	if err := alerter.ValidRoomID(s.ID); err != nil {
		return fieldErr("id", "must match [A-Za-z0-9_-]{1,64}, got %q", clip(s.ID))
	}
	for _, f := range []struct{ name, v string }{{"anchor", s.Anchor}, {"merchant", s.Merchant}} {
		if err := checkTag(f.v); err != nil {
			return fieldErr(f.name, "%v", err)
		}
	}
	if len(s.Token) > maxTokenSize || strings.ContainsFunc(s.Token, unicode.IsSpace) || !printable(s.Token) {
		return fieldErr("token", "at most %d printable bytes without spaces", maxTokenSize)
	}
	if !validEngineName(s.Recognizer) {
		return fieldErr("recognizer", "want an engine name such as sphinx or openai, got %q", clip(s.Recognizer))
	}
	if s.Source == "" {
		return fieldErr("source", `missing: want "whip" or a URL such as rtmp://host/app/key`)
	}
	if s.Source == SourceWHIP {
		if s.Token != "" {
			return fieldErr("token", "only pulled sources take a token; WHIP publishers bring their own")
		}
		return nil
	}
	return checkURL(s.Source, schemes)
}

// CheckAccount validates an anchor or merchant id given outside a
// registration (?anchor=, ?merchant= of an upload or utterance post)
// exactly as a registration's.
func CheckAccount(v string) error { return checkTag(v) }

func checkTag(v string) error {
	switch {
	case len(v) > maxTagBytes:
		return fmt.Errorf("longer than %d bytes", maxTagBytes)
	case !utf8.ValidString(v):
		return errors.New("not valid UTF-8")
	case !printable(v):
		return errors.New("contains control characters")
	}
	return nil
}

func checkURL(raw string, schemes []string) error {
	if len(raw) > maxURLBytes || !utf8.ValidString(raw) || !printable(raw) || strings.ContainsFunc(raw, unicode.IsSpace) {
		return fieldErr("source", "want \"whip\" or a URL of at most %d printable bytes without spaces", maxURLBytes)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fieldErr("source", "not a URL: %v", err)
	}
	scheme := strings.ToLower(u.Scheme)
	if len(schemes) == 0 {
		return fieldErr("source", `this server pulls no URLs; use "whip"`)
	}
	if !slices.Contains(schemes, scheme) {
		return fieldErr("source", "scheme %q not supported: want \"whip\" or one of %s", clip(u.Scheme), strings.Join(schemes, ", "))
	}
	if u.Hostname() == "" {
		return fieldErr("source", "URL has no host")
	}
	return nil
}

func printable(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == utf8.RuneError })
}

// clip shortens a client's value for an error message.
func clip(s string) string {
	if len(s) <= 80 {
		return s
	}
	return s[:80] + "…"
}

// Redacted is the source as the API shows it: no password, no query (stream
// keys and signed tokens often travel there).
func (s Spec) Redacted() string {
	if !s.Pulled() {
		return s.Source
	}
	u, err := url.Parse(s.Source)
	if err != nil {
		return "(unparsable URL)"
	}
	if u.RawQuery != "" {
		u.RawQuery = "redacted"
	}
	return u.Redacted()
}

// validEngineName accepts "" or a short lower-case engine name.
func validEngineName(name string) bool {
	if len(name) > 16 {
		return false
	}
	for _, c := range name {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
