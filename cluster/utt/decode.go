package utt

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/valyala/fastjson"
)

// Decoding is on the scan role's path for every hypothesis, so it walks
// the parsed body (fastjson: no reflection, pooled parsers) instead of
// encoding/json's reflective decoder, which took about 2.3 µs of the
// scan role's ~20 µs per hypothesis. The rules are encoding/json's as
// Decode had them with DisallowUnknownFields: unknown fields are refused,
// field names match case-insensitively when not exactly, null leaves a
// field at its zero value, the last of repeated fields wins, invalid UTF-8
// in a string becomes U+FFFD (one per byte); wrong types are refused
// naming the field. Stricter in two ways: data after the object is
// refused, and a confidence must be a finite number; different in two
// details of strings: raw control characters are read (the validator does
// not look for them), and an unpaired UTF-16 surrogate escape (\ud800
// alone) stays as written instead of becoming U+FFFD. About 3x faster
// than encoding/json, with 2 allocations instead of 10 (BenchmarkDecode).

var parsers fastjson.ParserPool

// decodeBody fills m from the JSON object data.
func decodeBody(data []byte, m *Message) error {
	if tooDeep(data) {
		return fmt.Errorf("nested deeper than %d levels (a word's field is 3 deep)", maxDepth)
	}
	// The parser alone reads numbers such as 007 and escapes such as \0;
	// the validator holds the body to the JSON grammar first.
	if err := fastjson.ValidateBytes(data); err != nil {
		return err
	}
	p := parsers.Get()
	defer parsers.Put(p)
	v, err := p.ParseBytes(data)
	if err != nil {
		return err
	}
	o, err := v.Object()
	if err != nil {
		return errors.New("want a JSON object")
	}
	o.Visit(func(key []byte, v *fastjson.Value) {
		if err == nil {
			err = m.setField(fieldName(key, messageFields), v)
		}
	})
	return err
}

// maxDepth bounds a body's nesting before fastjson reads it. The
// schema's deepest value is a word's field (the object, its words array, a
// word: 3 levels), so no body deeper than that is valid; and fastjson's
// validator has no depth limit and builds its error for a broken, deeply
// nested body in time that grows with the cube of the depth: 8,000 '['
// took 6 s, 100,000 hours, while the scanner held the room's partition.
const maxDepth = 8

// tooDeep reports whether data nests arrays and objects more than maxDepth
// deep (brackets inside strings do not count). Bodies with few brackets,
// which is nearly all, are passed by two vectorized counts.
func tooDeep(data []byte) bool {
	if bytes.Count(data, []byte{'['})+bytes.Count(data, []byte{'{'}) <= maxDepth {
		return false
	}
	depth, inString, escaped := 0, false, false
	for _, c := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			if depth++; depth > maxDepth {
				return true
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return false
}

var (
	messageFields = []string{"schema", "session", "utterance", "final", "text", "alternatives", "words",
		"start_ms", "end_ms", "confidence", "recognizer", "anchor", "merchant", "clips"}
	wordFields = []string{"text", "start_ms", "end_ms", "confidence"}
)

// fieldName is key, or the known name it matches case-insensitively (as
// encoding/json matches), or key itself when none does.
func fieldName(key []byte, known []string) string {
	for _, f := range known {
		if string(key) == f { // compared in place, not copied
			return f
		}
	}
	for _, f := range known {
		if strings.EqualFold(string(key), f) {
			return f
		}
	}
	return string(key)
}

func (m *Message) setField(name string, v *fastjson.Value) (err error) {
	if v.Type() == fastjson.TypeNull && slices.Contains(messageFields, name) {
		return nil
	}
	switch name {
	case "schema":
		var n int64
		n, err = v.Int64()
		m.Schema = int(n)
	case "session":
		m.Session, err = str(v)
	case "utterance":
		m.Utterance, err = v.Uint64()
	case "final":
		m.Final, err = v.Bool()
	case "text":
		m.Text, err = str(v)
	case "alternatives":
		m.Alternatives, err = strs(v)
	case "words":
		m.Words, err = words(v)
	case "start_ms":
		m.StartMs, err = v.Int64()
	case "end_ms":
		m.EndMs, err = v.Int64()
	case "confidence":
		m.Confidence, err = finite(v)
	case "recognizer":
		m.Recognizer, err = str(v)
	case "anchor":
		m.Anchor, err = str(v)
	case "merchant":
		m.Merchant, err = str(v)
	case "clips":
		m.Clips, err = v.Bool()
	default:
		return fmt.Errorf("json: unknown field %q", name)
	}
	if err != nil {
		return fmt.Errorf("field %s: %w", name, err)
	}
	return nil
}

func str(v *fastjson.Value) (string, error) {
	b, err := v.StringBytes()
	if err != nil {
		return "", err
	}
	if !utf8.Valid(b) {
		return validUTF8(b), nil
	}
	return string(b), nil
}

// validUTF8 replaces each byte of b that is not UTF-8 with U+FFFD, as
// encoding/json does.
func validUTF8(b []byte) string {
	var sb strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			sb.WriteRune(utf8.RuneError)
		} else {
			sb.Write(b[:n])
		}
		b = b[n:]
	}
	return sb.String()
}

func finite(v *fastjson.Value) (float64, error) {
	f, err := v.Float64()
	if err == nil && (math.IsNaN(f) || math.IsInf(f, 0)) {
		err = fmt.Errorf("%v is not a finite number", f)
	}
	return f, err
}

func array(v *fastjson.Value, limit int) ([]*fastjson.Value, error) {
	a, err := v.Array()
	if err != nil {
		return nil, err
	}
	if len(a) > limit { // refused before anything is copied
		return nil, fmt.Errorf("%d elements, want at most %d", len(a), limit)
	}
	return a, nil
}

func strs(v *fastjson.Value) ([]string, error) {
	a, err := array(v, MaxAlternatives)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(a))
	for i, e := range a {
		if e.Type() == fastjson.TypeNull {
			continue
		}
		if out[i], err = str(e); err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
	}
	return out, nil
}

func words(v *fastjson.Value) ([]Word, error) {
	a, err := array(v, MaxWords)
	if err != nil {
		return nil, err
	}
	out := make([]Word, len(a))
	for i, e := range a {
		if e.Type() == fastjson.TypeNull {
			continue
		}
		o, err := e.Object()
		if err != nil {
			return nil, fmt.Errorf("[%d]: want an object", i)
		}
		w := &out[i]
		o.Visit(func(key []byte, v *fastjson.Value) {
			name := fieldName(key, wordFields)
			if err != nil || v.Type() == fastjson.TypeNull && slices.Contains(wordFields, name) {
				return
			}
			switch name {
			case "text":
				w.Text, err = str(v)
			case "start_ms":
				w.StartMs, err = v.Int64()
			case "end_ms":
				w.EndMs, err = v.Int64()
			case "confidence":
				w.Confidence, err = finite(v)
			default:
				err = fmt.Errorf("json: unknown field %q", name)
			}
			if err != nil {
				err = fmt.Errorf("[%d].%s: %w", i, name, err)
			}
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
