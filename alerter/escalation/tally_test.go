package escalation

import (
	"fmt"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
)

// TestTallyLevels: reminders at the given minutes (one per entry) raise
// the listed levels, each once per crossing.
func TestTallyLevels(t *testing.T) {
	p := Policy{Window: 10 * time.Minute, Staff: 2, StopSuggested: 4}
	for _, tc := range []struct {
		name    string
		minutes []int
		want    map[int]string // reminder index -> level raised
	}{
		{"steady", []int{0, 1, 2, 3, 4, 5}, map[int]string{1: "staff", 3: "stop_suggested"}},
		{"too slow to count", []int{0, 11, 22, 33}, map[int]string{}},
		// the count dips below staff (minute 0 leaves the window at 10) but
		// never empties: no new crossing
		{"sliding", []int{0, 9, 12, 14}, map[int]string{1: "staff"}},
		{"quiet window re-arms", []int{0, 1, 20, 21}, map[int]string{1: "staff", 3: "staff"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var tl tally
			t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			for i, m := range tc.minutes {
				a := alerter.Alert{ID: fmt.Sprintf("a%d", i), Room: "r", RuleID: "x"}
				got := tl.record("k", a, p, t0.Add(time.Duration(m)*time.Minute))
				want := tc.want[i]
				switch {
				case want == "" && len(got) > 0:
					t.Fatalf("reminder %d raised %+v", i, got)
				case want != "" && (len(got) != 1 || got[0].Level != want):
					t.Fatalf("reminder %d raised %+v, want %s", i, got, want)
				}
			}
		})
	}
	var tl tally
	a := alerter.Alert{ID: "same", Room: "r", RuleID: "x"}
	now := time.Now()
	tl.record("k", a, p, now)
	if tl.record("k", a, p, now); len(tl.Marks) != 1 {
		t.Fatalf("a retried reminder counted twice: %+v", tl.Marks)
	}
}

// TestCountKey: a count belongs to the anchor when known (across rooms),
// else to the room, and to the rule or, per category, to its category.
func TestCountKey(t *testing.T) {
	rule, cat := Policy{}, Policy{PerCategory: true}
	a := func(room, anchor, rule, category string) alerter.Alert {
		return alerter.Alert{Room: room, Anchor: anchor, RuleID: rule, Category: category}
	}
	for _, tc := range []struct {
		name string
		x, y alerter.Alert
		p    Policy
		same bool
	}{
		{"one anchor in two rooms", a("r1", "an", "cure", "med"), a("r2", "an", "cure", "med"), rule, true},
		{"two anchors in one room", a("r1", "an", "cure", "med"), a("r1", "bo", "cure", "med"), rule, false},
		{"no anchor: the room", a("r1", "", "cure", "med"), a("r2", "", "cure", "med"), rule, false},
		{"room r1 is not anchor r1", a("r1", "", "cure", "med"), a("r9", "r1", "cure", "med"), rule, false},
		{"two rules per rule", a("r1", "an", "cure", "med"), a("r1", "an", "heal", "med"), rule, false},
		{"two rules per category", a("r1", "an", "cure", "med"), a("r1", "an", "heal", "med"), cat, true},
		{"two categories per category", a("r1", "an", "cure", "med"), a("r1", "an", "cheap", "price"), cat, false},
	} {
		if got := countKey(tc.x, tc.p) == countKey(tc.y, tc.p); got != tc.same {
			t.Errorf("%s: same key %v, want %v", tc.name, got, tc.same)
		}
	}
}
