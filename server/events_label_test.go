package server

import (
	"encoding/json"
	"testing"

	"github.com/earshot/earshot/alerter"
)

// TestReminderLabelled: a reminder of one of the lexicon's categories
// reaches the overlay with the category's names, every field kept; one of
// a category the lexicon does not know goes as it came.
func TestReminderLabelled(t *testing.T) {
	for _, tc := range []struct {
		category, label, labelZH string
	}{
		{"medical-claim", "Medical claim", "医疗宣称"},
		{"no-such-category", "", ""},
	} {
		rem := alerter.Reminder{Schema: 1, AlertID: "a1", Room: "r1", RuleID: "x", Category: tc.category, Severity: "high", Text: "stop", Repeat: 2}
		data, err := json.Marshal(rem)
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			alerter.Reminder
			Label   string `json:"category_label"`
			LabelZH string `json:"category_label_zh"`
		}
		if err := json.Unmarshal(labelled(rem, data), &got); err != nil {
			t.Fatal(err)
		}
		if got.Label != tc.label || got.LabelZH != tc.labelZH || got.Reminder.AlertID != "a1" || got.Repeat != 2 || got.Text != "stop" {
			t.Errorf("%s: labelled %+v", tc.category, got)
		}
	}
}
