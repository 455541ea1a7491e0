package lexicon

import "testing"

// TestSpelledLetters: in Chinese speech, letters said one at a time
// ("加 W X", "B J C 发货", "w e i x i n") read as the word they spell, the
// way "加wx" and "bjc" do; an English segment's letters stay letters.
func TestSpelledLetters(t *testing.T) {
	e := compileYAML(t, "switches.yaml", switchesYAML)
	tests := []struct {
		text string
		want []string
	}{
		{"加 w x", []string{"pg-wechat"}},
		{"宝宝们加W X领券", []string{"pg-wechat"}},
		{"宝宝们加 w e i x i n 领券", []string{"pg-wechat"}},
		{"从 B J C 发货", []string{"pg-beijing"}},
		{"从B、J、C发货", nil}, // a list of letters, not one word
		{"add w x to the list", nil},
	}
	for _, tt := range tests {
		expectRules(t, e, tt.text, tt.want)
	}
}
