package lexicon

import (
	"slices"
	"testing"
)

// TestTypedLeetAndEmojiNoise: typed rules read digits written for the
// letters they look like inside a word (fr33, wh4tsapp) and an emoji set
// between letters (c🔥u🔥r🔥e); rules that did not opt in do not, and
// digits that are numbers (mp3, 5g, 24 hours) spell nothing.
func TestTypedLeetAndEmojiNoise(t *testing.T) {
	e := compileYAML(t, "switches.yaml", switchesYAML)
	tests := []struct {
		text string
		want []string
	}{
		{"it is t0tally fr33 today", []string{"abs-free"}},
		{"this will cur3 you", []string{"abs-free"}},
		{"message me on wh4ts4pp", []string{"pg-whatsapp"}},
		{"w-h-4-t-s-a-p-p", nil}, // a digit among noise-split letters is not read
		{"this will c🔥u🔥r🔥e you", []string{"abs-free"}},
		{"totally f❤️r❤️e❤️e", []string{"abs-free"}},
		{"the mp3 is totally fr33", []string{"abs-free"}},
		{"5g phones and mp3 players", nil},
		{"open 24 hours", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, h := range e.MatchText(tt.text) {
			got = append(got, h.RuleID)
		}
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q: fired %v, want %v", tt.text, got, tt.want)
		}
	}
}
