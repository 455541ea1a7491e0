package alerter

import (
	"sort"
	"testing"
	"time"
)

func TestNewIDSortsByTime(t *testing.T) {
	t0 := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	var ids []string
	seen := map[string]bool{}
	for i := range 1000 {
		id := NewID(t0.Add(time.Duration(i) * time.Millisecond))
		if len(id) != 26 {
			t.Fatalf("id %q has length %d", id, len(id))
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
		ids = append(ids, id)
	}
	if !sort.StringsAreSorted(ids) {
		t.Fatal("ids of increasing times are not sorted")
	}
	// Same millisecond: unique, random order.
	if a, b := NewID(t0), NewID(t0); a == b {
		t.Fatal("same-millisecond ids collide")
	}
}

func TestEncode128(t *testing.T) {
	tests := []struct {
		in   [16]byte
		want string
	}{
		{[16]byte{}, "00000000000000000000000000"},
		{[16]byte{15: 1}, "00000000000000000000000001"},
		{[16]byte{0: 0xff, 1: 0xff, 2: 0xff, 3: 0xff, 4: 0xff, 5: 0xff, 6: 0xff, 7: 0xff,
			8: 0xff, 9: 0xff, 10: 0xff, 11: 0xff, 12: 0xff, 13: 0xff, 14: 0xff, 15: 0xff},
			"7ZZZZZZZZZZZZZZZZZZZZZZZZZ"},
	}
	for _, tt := range tests {
		if got := encode128(tt.in); got != tt.want {
			t.Errorf("encode128(%x) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestDedupKey(t *testing.T) {
	a := Alert{Room: "R1", RuleID: "r", Utterance: 3, MatchedText: "x", Final: false}
	b := a
	b.MatchedText, b.Final, b.ID = "y", true, "other"
	if DedupKey(a) != DedupKey(b) {
		t.Fatal("partial and final of the same hit differ")
	}
	tests := []Alert{
		{Room: "R2", RuleID: "r", Utterance: 3},
		{Room: "R1", RuleID: "s", Utterance: 3},
		{Room: "R1", RuleID: "r", Utterance: 4},
		{Room: "R1r", RuleID: "", Utterance: 3},
	}
	for _, c := range tests {
		if DedupKey(c) == DedupKey(a) {
			t.Errorf("%+v collides with %+v", c, a)
		}
	}
}
