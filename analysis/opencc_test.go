package analysis

import (
	"testing"
	"unicode/utf8"
)

// TestOpenCC: traditional and variant text reads as simplified, phrases
// included, the commerce overlay wins where OpenCC differs, and simplified
// text is left alone.
func TestOpenCC(t *testing.T) {
	tests := []struct{ in, want string }{
		{"顧慮", "顾虑"},             // 慮 was missing from the hand-written table
		{"反覆強調", "反复强调"},         // 覆 converts inside a phrase...
		{"覆蓋", "覆盖"},             // ...and stays 覆 alone (覆盖 is simplified too)
		{"瞭解一下", "了解一下"},         // phrase: 瞭解 → 了解
		{"著名品牌", "著名品牌"},         // Taiwan phrase keeps 著 ...
		{"看著我", "看着我"},           // ... which is 着 elsewhere (variants)
		{"裡面 裏面", "里面 里面"},       // variants
		{"轉帳到帳號", "转账到账号"},       // overlay: OpenCC writes 帐
		{"转帐", "转账"},             // the older simplified spelling too
		{"項鍊 乾燥 乾隆", "项链 干燥 乾隆"}, // phrases decide 鍊 and 乾
		{"醫療證號", "医疗证号"},
		{"这款面霜全网最低价,加我微信,怎么样", "这款面霜全网最低价,加我微信,怎么样"},
		{"家人们下单一口吃个够", "家人们下单一口吃个够"},
		{"ＶＸ加我 DM", "vx加我 dm"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestOpenCCKeepsSpans: phrase conversion is rune for rune, so every rune
// still quotes its own source rune.
func TestOpenCCKeepsSpans(t *testing.T) {
	in := "他反覆說瞭解，轉帳"
	rs := NormalizeRunes(in, nil)
	if n := utf8.RuneCountInString(in); len(rs) != n {
		t.Fatalf("%d runes from %d", len(rs), n)
	}
	for i, r := range rs {
		src, _ := utf8.DecodeRuneInString(in[r.Start:])
		if r.End-r.Start != utf8.RuneLen(src) || (i > 0 && r.Start != rs[i-1].End) {
			t.Errorf("rune %d %q: span %d-%d", i, r.R, r.Start, r.End)
		}
	}
}

// TestSimplifiedIsStable: converting converted text changes nothing, for
// every rune the tables know.
func TestSimplifiedIsStable(t *testing.T) {
	c := t2sConverter()
	n := 0
	for i, v := range c.bmp {
		if v&runeMask == 0 {
			continue
		}
		n++
		r := rune(i + bmpBase)
		if s := Simplified(r); Simplified(s) != s {
			t.Errorf("Simplified(%q) = %q, but Simplified(%q) = %q", r, s, s, Simplified(s))
		}
	}
	if n < 3000 {
		t.Errorf("only %d converting runes: the OpenCC tables did not load", n)
	}
}

func BenchmarkNormalizeTraditional(b *testing.B) {
	s := "家人們，這款面霜能治糖尿病，全網最低價，加我V信，反覆強調無效退款，轉帳到我的帳號"
	out := make([]Rune, 0, len(s))
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		out = NormalizeRunes(s, out[:0])
	}
}
