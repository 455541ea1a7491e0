package disposition

import (
	"errors"
	"testing"
)

// FuzzDecode: a message on a disposition subject decodes to a disposition
// with a valid alert id and decision, or an ErrInvalid error.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"schema":1,"alert_id":"a1","decision":"confirmed","by":"x","at":"2026-01-02T03:04:05Z","room":"r1"}`))
	f.Add([]byte(`{"alert_id":"../x","decision":"confirmed"}`))
	f.Add([]byte(`{"alert_id":"a","decision":"confirmed","at":"not a time"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Decode(data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if !d.Decision.Valid() || ValidAlertID(d.AlertID) != nil {
			t.Fatalf("accepted %+v", d)
		}
	})
}
