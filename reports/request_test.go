package reports

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeRequest(t *testing.T) {
	cases := []struct {
		body string
		want error
	}{
		{`{"at_ms": 12000, "category": "medical-claim", "text": "she said it cures diabetes"}`, nil},
		{`{"at_ms": 0, "category": "other"}`, nil},
		{`{"category": "other"}`, ErrTime},
		{`{"at_ms": null, "category": "other"}`, ErrTime},
		{`{"at_ms": -5, "category": "other"}`, ErrTime},
		{`{"at_ms": 1.5, "category": "other"}`, ErrTime},
		{`{"at_ms": 1e3, "category": "other"}`, ErrTime},
		{`{"at_ms": "12000", "category": "other"}`, ErrTime},
		{`{"at_ms": 99999999999999999999, "category": "other"}`, ErrFuture},
		{`{"at_ms": 2592000001, "category": "other"}`, ErrFuture},
		{`{"at_ms": 1000}`, ErrCategory},
		{`{"at_ms": 1000, "category": "rude"}`, ErrCategory},
		{`{"at_ms": 1000, "category": "other", "text": "` + strings.Repeat("字", MaxText+1) + `"}`, ErrText},
		{`{"at_ms": 1000, "category": "other", "text": "a\u0000b"}`, ErrText},
		{`{"at_ms": 1000, "category": "other", "extra": 1}`, ErrBody},
		{`{"at_ms": 1000, "category": "other"} {}`, ErrBody},
		{`[1000]`, ErrBody},
		{``, ErrBody},
		{strings.Repeat(" ", MaxBody+1), ErrBody},
	}
	for _, tc := range cases {
		r, err := DecodeRequest([]byte(tc.body))
		if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%.60s: %v, want %v", tc.body, err, tc.want)
		}
		if err == nil && (r.AtMs < 0 || r.Category == "") {
			t.Errorf("%.60s: accepted as %+v", tc.body, r)
		}
	}
	r, _ := DecodeRequest([]byte(`{"at_ms": 12000, "category": "price-fraud", "text": "  lowest ever  "}`))
	if r != (Request{AtMs: 12000, Category: "price-fraud", Text: "lowest ever"}) {
		t.Fatalf("decoded %+v", r)
	}
}

// FuzzDecodeRequest: any body is either refused with one of the named
// errors or accepted as a report within the limits; never a panic.
func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{`{"at_ms": 12000, "category": "medical-claim", "text": "x"}`, `{"at_ms": -1}`,
		`{"at_ms": 1e400, "category": "other"}`, `{"at_ms": 1, "category": "other", "text": "\ud800"}`, `null`, `{}`} {
		f.Add([]byte(s))
	}
	named := []error{ErrBody, ErrTime, ErrFuture, ErrCategory, ErrText}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := DecodeRequest(body)
		if err != nil {
			for _, e := range named {
				if errors.Is(err, e) {
					return
				}
			}
			t.Fatalf("unnamed error %v", err)
		}
		if r.AtMs < 0 || r.AtMs > MaxAtMs || len([]rune(r.Text)) > MaxText {
			t.Fatalf("accepted out of bounds: %+v", r)
		}
	})
}

// FuzzDecodePollRequest: a poll body is refused by name or accepted with
// a bounded question and 2 to MaxOptions distinct options.
func FuzzDecodePollRequest(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"question": "Was this true?", "options": ["yes", "no"]}`, `{"options": ["a", "a"]}`, `{"options": []}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := DecodePollRequest(body)
		if err != nil {
			if !errors.Is(err, ErrBadPoll) {
				t.Fatalf("unnamed error %v", err)
			}
			return
		}
		if r.Question == "" || len([]rune(r.Question)) > MaxQuestion || len(r.Options) < 2 || len(r.Options) > MaxOptions {
			t.Fatalf("accepted %+v", r)
		}
		for i, o := range r.Options {
			for _, p := range r.Options[:i] {
				if p == o {
					t.Fatalf("duplicate option accepted: %+v", r)
				}
			}
		}
	})
}
