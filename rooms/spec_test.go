package rooms

import (
	"errors"
	"strings"
	"testing"
)

// accepted is what a registry of these tests is told its puller reads (the
// service passes ingest/pull's RemoteSchemes).
var accepted = []string{"rtmp", "rtmps", "srt", "https"}

func TestDecodeSpec(t *testing.T) {
	tests := []struct {
		body  string
		field string // "" = valid
	}{
		{`{"id":"r1","source":"whip"}`, ""},
		{`{"id":"r1","anchor":"a","merchant":"m","source":"rtmp://127.0.0.1:1935/live/key"}`, ""},
		{`{"id":"r1","source":"https://cdn.example/x/index.m3u8?sig=1","token":"abc"}`, ""},
		{``, "body"},
		{`[]`, "body"},
		{`{"id":"r1","source":"whip"} {}`, "body"},
		{`{"id":"r1","source":"whip"`, "body"},
		{`{"id":"../x","source":"whip"}`, "id"},
		{`{"id":"","source":"whip"}`, "id"},
		{`{"id":7,"source":"whip"}`, "id"},
		{`{"id":"r1"}`, "source"},
		{`{"id":"r1","source":"file:///etc/passwd"}`, "source"},
		{`{"id":"r1","source":"rtmp://"}`, "source"},
		{`{"id":"r1","source":"rtmp://h/a b"}`, "source"},
		{`{"id":"r1","source":"whip","token":"t"}`, "token"},
		{`{"id":"r1","source":"whip","anchor":"` + strings.Repeat("a", 129) + `"}`, "anchor"},
		{`{"id":"r1","source":"whip","merchant":"a\u0001"}`, "merchant"},
		{`{"id":"r1","source":"whip","colour":"red"}`, "colour"},
		{`{"id":"r1","source":["whip"]}`, "source"},
	}
	for _, tc := range tests {
		_, err := DecodeSpec(strings.NewReader(tc.body), accepted)
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.body, err)
			}
			continue
		}
		var fe *FieldError
		if !errors.As(err, &fe) || !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: error %v, want a FieldError", tc.body, err)
			continue
		}
		if fe.Field != tc.field {
			t.Errorf("%s: field %q (%v), want %q", tc.body, fe.Field, err, tc.field)
		}
	}
}

// TestNoSchemesNoPulls: a registry told of no schemes takes WHIP rooms and
// refuses every URL, naming why.
func TestNoSchemesNoPulls(t *testing.T) {
	if err := (Spec{ID: "r1", Source: SourceWHIP}).Validate(nil); err != nil {
		t.Errorf("WHIP room: %v", err)
	}
	err := Spec{ID: "r1", Source: "rtmp://h/live/k"}.Validate(nil)
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "source" || !strings.Contains(err.Error(), "pulls no URLs") {
		t.Errorf("URL room with no schemes: %v", err)
	}
}

func TestRedacted(t *testing.T) {
	s := Spec{Source: "rtmps://user:secret@h:443/live/key?token=abc"}
	if got := s.Redacted(); strings.Contains(got, "secret") || strings.Contains(got, "abc") {
		t.Errorf("Redacted() = %q leaks a secret", got)
	}
}

func FuzzDecodeSpec(f *testing.F) {
	for _, s := range []string{`{"id":"r1","source":"whip"}`, `{"id":"r","source":"srt://h:1?streamid=x"}`, `{"id":1}`, `[`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		spec, err := DecodeSpec(strings.NewReader(body), accepted)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error not marked invalid: %v", err)
			}
			return
		}
		if err := spec.Validate(accepted); err != nil {
			t.Fatalf("decoded spec fails Validate: %v", err)
		}
		_ = spec.Redacted()
	})
}
