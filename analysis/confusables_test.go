package analysis

import "testing"

func TestNormalizeLookAlikes(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"cyrillic e in a latin word", "add me on wеchat", "add me on wechat"},
		{"cyrillic and greek mixed in", "wеϲhаt and whatsаpp", "wechat and whatsapp"},
		{"cyrillic capitals inside", "WЕCHАT", "wechat"},
		{"greek capitals among latin ones", "ΜΕSSΑGΕ me", "message me"},
		{"a word of look-alikes only is kept", "add me on ΖΑΡ", "add me on ζαρ"},
		{"greek omega for w", "add ωechat", "add wechat"},
		{"look-alike word beside han is kept", "加我ΖΑΡ", "加我ζαρ"},
		{"russian text kept", "мы говорим о вечере", "мы говорим о вечере"},
		{"russian look-alike word kept beside real russian", "купи кот wechat", "купи кот wechat"},
		{"greek text kept", "ΚΑΛΗ ΜΕΡΑ φίλε", "καλη μερα φίλε"},
		{"look-alike word alone kept", "КОТ", "кот"},
		{"small capitals", "ᴡᴇᴄʜᴀᴛ", "wechat"},
		{"diacritics", "wéchät ñ Łodz", "wechat n lodz"},
		{"combining strokes", "w̶e̶c̶h̶a̶t̶", "wechat"},
		{"combining accent after a look-alike", "wе\u0301chat", "wechat"},
		{"combining mark after han kept", "微\u0301", "微\u0301"},
		{"tone-marked pinyin", "wēixìn", "weixin"},
		{"script letters", "ɡmaıl", "gmail"},
		{"parenthesized letters", "add ⒲⒠⒞⒣⒜⒯", "add wechat"},
		{"regional indicator letters", "add 🇼🇪🇨🇭🇦🇹 now", "add wechat now"},
		{"one flag stays a flag", "made in 🇨🇳", "made in 🇨🇳"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeLookAlikeSpans(t *testing.T) {
	in := "wеc\u0336hat"
	rs := NormalizeRunes(in, nil)
	if len(rs) != 6 {
		t.Fatalf("NormalizeRunes(%q) = %d runes, want 6", in, len(rs))
	}
	if rs[1].R != 'e' || in[rs[1].Start:rs[1].End] != "е" {
		t.Errorf("rune 1 = %q from %q, want e from the Cyrillic е", rs[1].R, in[rs[1].Start:rs[1].End])
	}
}
