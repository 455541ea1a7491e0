package kws

import (
	"strings"
	"testing"
)

func TestParseThresholds(t *testing.T) {
	for _, tc := range []struct {
		name, in, err string
	}{
		{"ok", `{"bands":[{"max_phones":8,"threshold":1e-10},{"max_phones":99,"threshold":0}]}`, ""},
		{"empty", `{"bands":[]}`, "bands: empty"},
		{"not ascending", `{"bands":[{"max_phones":8,"threshold":1e-10},{"max_phones":8,"threshold":1e-20}]}`, "bands[1].max_phones"},
		{"zero phones", `{"bands":[{"max_phones":0,"threshold":1e-10}]}`, "bands[0].max_phones"},
		{"threshold one", `{"bands":[{"max_phones":8,"threshold":1}]}`, "bands[0].threshold"},
		{"negative", `{"bands":[{"max_phones":8,"threshold":-1e-5}]}`, "bands[0].threshold"},
		{"unknown key", `{"bands":[{"max_phones":8,"thresh":1e-5}]}`, "unknown field"},
		{"trailing", `{"bands":[{"max_phones":8,"threshold":1e-5}]} {}`, "trailing"},
		{"not json", `bands: []`, "decode"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseThresholds([]byte(tc.in))
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
		})
	}
}

func TestThresholdsFor(t *testing.T) {
	th := Thresholds{Bands: []Band{{MaxPhones: 8, Threshold: 1e-10}, {MaxPhones: 12, Threshold: 1e-20}}}
	for phones, want := range map[int]float64{3: 1e-10, 8: 1e-10, 9: 1e-20, 12: 1e-20, 40: 1e-20} {
		if got := th.For(phones); got != want {
			t.Errorf("For(%d) = %g, want %g", phones, got, want)
		}
	}
	if err := Tuned().Validate(); err != nil {
		t.Fatal(err)
	}
}

func FuzzParseThresholds(f *testing.F) {
	f.Add([]byte(`{"bands":[{"max_phones":8,"threshold":1e-10}]}`))
	f.Add([]byte(`{"note":"x","bands":[{"max_phones":8,"threshold":0},{"max_phones":9,"threshold":0.5}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		th, err := ParseThresholds(data)
		if err != nil {
			return
		}
		for p := range 50 {
			if v := th.For(p); v < 0 || v >= 1 {
				t.Fatalf("For(%d) = %g from a valid table", p, v)
			}
		}
	})
}

func FuzzParseDict(f *testing.F) {
	f.Add([]byte(smallDict))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDict(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		if d.Len() == 0 {
			t.Fatal("valid dictionary without entries")
		}
	})
}
