package alerter

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"
)

func validAlert() Alert {
	return Fill(Alert{Room: "R1", RuleID: "r", Category: "c", Reminder: "careful"},
		time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
}

func TestDecodeAlert(t *testing.T) {
	good, _ := json.Marshal(validAlert())
	tests := []struct {
		name string
		data string
		ok   bool
	}{
		{"valid", string(good), true},
		{"unknown field ignored", `{"schema":1,"id":"x","room":"R1","rule_id":"r","category":"c","new":1}`, true},
		{"not json", `nope`, false},
		{"array", `[]`, false},
		{"no schema", `{"id":"x","room":"R1","rule_id":"r","category":"c"}`, false},
		{"future schema", `{"schema":2,"id":"x","room":"R1","rule_id":"r","category":"c"}`, false},
		{"no id", `{"schema":1,"room":"R1","rule_id":"r","category":"c"}`, false},
		{"bad room", `{"schema":1,"id":"x","room":"R.1","rule_id":"r","category":"c"}`, false},
		{"bad category", `{"schema":1,"id":"x","room":"R1","rule_id":"r","category":""}`, false},
		{"wrong type", `{"schema":"1"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeAlert([]byte(tt.data))
			if (err == nil) != tt.ok {
				t.Fatalf("DecodeAlert = %v", err)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
		})
	}
}

func TestDecodeReminder(t *testing.T) {
	tests := []struct {
		name string
		data string
		ok   bool
	}{
		{"valid", `{"schema":1,"alert_id":"a","room":"R1","rule_id":"r","repeat":1}`, true},
		{"repeat zero", `{"schema":1,"alert_id":"a","room":"R1","rule_id":"r","repeat":0}`, false},
		{"no alert id", `{"schema":1,"room":"R1","rule_id":"r","repeat":1}`, false},
		{"bad room", `{"schema":1,"alert_id":"a","room":"*","rule_id":"r","repeat":1}`, false},
		{"empty", ``, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := DecodeReminder([]byte(tt.data)); (err == nil) != tt.ok {
				t.Fatalf("DecodeReminder = %v", err)
			}
		})
	}
}

// FuzzDecodeAlert: decoding never panics, and whatever decodes survives a
// round trip unchanged.
func FuzzDecodeAlert(f *testing.F) {
	good, _ := json.Marshal(validAlert())
	f.Add(good)
	f.Add([]byte(`{"schema":1,"id":"x","room":"R1","rule_id":"r","category":"c","utterance":18446744073709551615}`))
	f.Add([]byte(`{"schema":1,"id":"x","room":"R>","rule_id":"r","category":"c"}`))
	f.Add([]byte(`{"at":"not a time"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := DecodeAlert(data)
		if err != nil {
			return
		}
		again, err := json.Marshal(a)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		b, err := DecodeAlert(again)
		if err != nil {
			t.Fatalf("round trip: %v", err)
		}
		if !reflect.DeepEqual(normalize(a), normalize(b)) {
			t.Fatalf("round trip changed %+v into %+v", a, b)
		}
	})
}

// normalize drops the monotonic/location detail JSON does not keep.
func normalize(a Alert) Alert {
	a.At = a.At.UTC()
	return a
}

func FuzzDecodeReminder(f *testing.F) {
	f.Add([]byte(`{"schema":1,"alert_id":"a","room":"R1","rule_id":"r","repeat":1}`))
	f.Add([]byte(`{"schema":1,"alert_id":"a","room":"R1","rule_id":"r","repeat":-1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := DecodeReminder(data)
		if err != nil {
			return
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("decoded reminder fails Validate: %v", err)
		}
	})
}

func FuzzDecodeEscalation(f *testing.F) {
	f.Add([]byte(`{"schema":1,"id":"esc-1","room":"R1","level":"staff","rule_id":"r","category":"c","count":3,"alert_ids":["a","b","c"]}`))
	f.Add([]byte(`{"schema":1,"id":"esc-1","room":"R>","level":"stop_suggested","rule_id":"r"}`))
	f.Add([]byte(`{"schema":1,"id":"esc-1","room":"R1","level":"cut","rule_id":"r"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := DecodeEscalation(data)
		if err != nil {
			return
		}
		if ValidRoomID(e.Room) != nil || e.ID == "" || (e.Level != LevelStaff && e.Level != LevelStopSuggested) {
			t.Fatalf("decoded an invalid escalation %+v", e)
		}
		again, _ := json.Marshal(e)
		if _, err := DecodeEscalation(again); err != nil {
			t.Fatalf("re-decode: %v", err)
		}
	})
}
