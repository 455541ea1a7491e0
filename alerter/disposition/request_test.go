package disposition

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestDecodeRequest(t *testing.T) {
	cases := []struct {
		name, body, wantErr string
	}{
		{"confirmed", `{"decision":"confirmed","by":"li","note":"clear claim"}`, ""},
		{"dismissed no note", `{"decision":"dismissed","by":"li"}`, ""},
		{"needs review", ` {"decision":"needs_review","by":"Zhang Wei"} `, ""},
		{"empty", ``, "body is empty"},
		{"not json", `decision=confirmed`, "not a disposition object"},
		{"array", `[{"decision":"confirmed","by":"li"}]`, "not a disposition object"},
		{"unknown field", `{"decision":"confirmed","by":"li","who":"x"}`, "unknown field"},
		{"trailing", `{"decision":"confirmed","by":"li"} {}`, "after the JSON object"},
		{"bad decision", `{"decision":"approve","by":"li"}`, `decision "approve"`},
		{"no decision", `{"by":"li"}`, `decision ""`},
		{"no by", `{"decision":"confirmed"}`, "by: say who decided"},
		{"blank by", `{"decision":"confirmed","by":"  "}`, "by: say who decided"},
		{"control by", `{"decision":"confirmed","by":"li\u0007"}`, "control characters"},
		{"long by", `{"decision":"confirmed","by":"` + strings.Repeat("x", MaxByBytes+1) + `"}`, "by: longer"},
		{"long note", `{"decision":"confirmed","by":"li","note":"` + strings.Repeat("x", MaxNoteBytes+1) + `"}`, "note: longer"},
		{"huge", strings.Repeat(" ", MaxRequestBytes+1), "more than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := DecodeRequest([]byte(c.body))
			if c.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if !req.Decision.Valid() {
					t.Fatalf("invalid decision accepted: %+v", req)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v, want one containing %q wrapping ErrInvalid", err, c.wantErr)
			}
		})
	}
}

func TestValidAlertID(t *testing.T) {
	for id, ok := range map[string]bool{
		"01KABCDEFGHJKMNPQRSTVWXYZ0": true, "a_b-c": true, "": false,
		strings.Repeat("a", 65): false, "a.b": false, "a b": false, "a/b": false, "é": false,
	} {
		if err := ValidAlertID(id); (err == nil) != ok {
			t.Errorf("ValidAlertID(%q) = %v, want ok=%v", id, err, ok)
		}
	}
}

func FuzzDecodeRequest(f *testing.F) {
	f.Add([]byte(`{"decision":"confirmed","by":"li","note":"n"}`))
	f.Add([]byte(`{"decision":"needs_review","by":"\u00e9"}`))
	f.Add([]byte(`[1,2]`))
	f.Add([]byte(`{"decision":"dismissed","by":"x"}{`))
	f.Add([]byte(`{"decision":"confirmed","by":"a","extra":1}`))
	f.Add([]byte(`{"decision":"confirmed","by":"\u0007"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := DecodeRequest(data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		if err := req.Validate(); err != nil {
			t.Fatalf("decoded request fails Validate: %v", err)
		}
		// What was accepted encodes and decodes to itself.
		b, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		if again, err := DecodeRequest(b); err != nil || again != req {
			t.Fatalf("round trip of %+v: %+v, %v", req, again, err)
		}
	})
}
