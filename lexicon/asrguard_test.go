package lexicon

import (
	"testing"

	"github.com/earshot/earshot/analysis/pinyin"
)

// TestCoverInitialsStrict: "ca" (ASR for "cart") is not the initials of a
// Chinese phrase, in English or Chinese speech; vx is, wherever it appears.
func TestCoverInitialsStrict(t *testing.T) {
	py := pinyin.Default()
	p := &cpattern{elems: compilePhrase("从爱", true, true, py), fuzzy: true, zh: true}
	w := &cpattern{elems: compilePhrase("微信", true, true, py), fuzzy: true, zh: true}
	tests := []struct {
		p    *cpattern
		word string
		han  bool
		want int
	}{
		{p, "ca", false, 0},
		{p, "ca", true, 0},
		{w, "vx", false, 2},
		{w, "wx", true, 2},
		{w, "my", true, 0},
	}
	for _, tt := range tests {
		v := verifier{p: tt.p, py: py, han: tt.han}
		n := 0
		if latinAsChinese(tt.word, tt.han) {
			n, _, _ = v.cover(0, tt.word)
		}
		if n != tt.want {
			t.Errorf("cover(%q, han=%v) on %s = %d, want %d", tt.word, tt.han, tt.p.elems[0].tok.Text, n, tt.want)
		}
	}
}
