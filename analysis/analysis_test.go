package analysis

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// tokenView is the comparable part of a token, written text|digits with a
// trailing + for compound parts.
func tokenView(toks []Token) string {
	var parts []string
	for _, t := range toks {
		p := t.Text
		if t.Digits != "" {
			p += "|" + t.Digits
		}
		if t.Compound {
			p += "+"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}

func TestTokenize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"full width and case", "加ＶＸ　Add Me", "加 vx add me"},
		{"traditional", "醫療證號", "医 疗 证 号"},
		{"nfkc", "ﬁne ① ㎏", "fine 1|1 kg"},
		{"fillers dropped", "嗯 加 um 我 uh", "加 我"},
		{"apostrophes", "don't anyone’s", "dont anyones"},
		{"written digits", "138-0013", "138|138 0013|0013"},
		{"spoken digits", "幺三八 five five", "幺|1 三|3 八|8 five|5 five|5"},
		{"oh only beside digits", "oh five oh", "oh|0 five|5 oh|0"},
		{"oh alone", "oh no", "oh no"},
		{"liang beside digits", "两 五", "两|2 五|5"},
		{"liang alone", "两个", "两 个"},
		{"han compound", "三十五", "三|35+ 十+ 五+"},
		{"han compound liang", "两千零八", "两|2008+ 千+ 零+ 八+"},
		{"han compound wan", "三万五千", "三|35000+ 万+ 五+ 千+"},
		{"en compound", "twenty one", "twenty|21+ one+"},
		{"en hundred", "three hundred", "three|300+ hundred+"},
		{"double", "double zero seven", "double|0 zero|0 seven|7"},
		{"double the price", "double the price", "double the price"},
		{"triple", "triple eight", "triple|88 eight|8"},
		{"invalid utf8", "加\xff我", "加 我"},
		{"only punctuation", "，。!?", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tokenView(Tokenize(tt.in)); got != tt.want {
				t.Errorf("Tokenize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestTokenSpans: every token's span lies in the source, in order, and a
// token whose text is unchanged by normalization quotes the source.
func TestTokenSpans(t *testing.T) {
	in := "Ｖ信 加我 138 醫療 don't ﬁne"
	prev := 0
	for _, tok := range Tokenize(in) {
		if tok.Start < prev || tok.End <= tok.Start || tok.End > len(in) {
			t.Fatalf("token %q span %d-%d out of order or bounds", tok.Text, tok.Start, tok.End)
		}
		prev = tok.End
	}
	toks := Tokenize(in)
	if got := in[toks[0].Start:toks[0].End]; got != "Ｖ" || toks[0].Text != "v" {
		t.Errorf("first token %q quotes %q, want v quoting Ｖ", toks[0].Text, got)
	}
}

func TestTokenizerReuse(t *testing.T) {
	var z Tokenizer
	first := tokenView(z.Tokenize("加微信 13800138000"))
	z.Tokenize("something else entirely, much longer than the first text was")
	if got := tokenView(z.Tokenize("加微信 13800138000")); got != first {
		t.Errorf("reused tokenizer: %q, want %q", got, first)
	}
	if got := tokenView(Tokenize("加微信 13800138000")); got != first {
		t.Errorf("Tokenize %q, Tokenizer %q", got, first)
	}
}

func TestTokenReadings(t *testing.T) {
	toks := Tokenize("微 v cures")
	if len(toks[0].Syllables) == 0 || len(toks[1].Syllables) == 0 {
		t.Errorf("微 and v should carry syllables: %v %v", toks[0].Syllables, toks[1].Syllables)
	}
	if toks[2].Stem != "cure" || len(toks[2].Syllables) != 0 {
		t.Errorf("cures: stem %q syllables %v", toks[2].Stem, toks[2].Syllables)
	}
	if toks[0].Kind != Han || toks[1].Kind != Word || Tokenize("42")[0].Kind != Number {
		t.Error("kinds")
	}
}

func TestDigitRuns(t *testing.T) {
	tests := []struct {
		in   string
		want []string // digits, with "*" when spoken
	}{
		{"13800138000", []string{"13800138000"}},
		{"幺三八 零零 一三八 零零零", []string{"13800138000*"}},
		{"千万不要", nil},
		{"call 555 then five five five", []string{"555", "555*"}},
		{"三十五 块 八", []string{"8*"}},
		{"twenty one 5", []string{"5"}},
		{"no digits here", nil},
	}
	for _, tt := range tests {
		toks := Tokenize(tt.in)
		var got []string
		for run := range DigitRuns(toks) {
			d := run.Digits(toks)
			if len(d) != run.Len {
				t.Errorf("%q: run %q has Len %d", tt.in, d, run.Len)
			}
			if run.Spoken {
				d += "*"
			}
			got = append(got, d)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("DigitRuns(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	for range DigitRuns(Tokenize("1 a 2 b 3")) {
		break // stopping early must not panic
	}
}

func TestNormalizeHelpers(t *testing.T) {
	if Simplified('醫') != '医' || Simplified('医') != '医' || Simplified('a') != 'a' {
		t.Error("Simplified")
	}
	if !IsFiller("嗯") || IsFiller("加") {
		t.Error("IsFiller")
	}
	if !HasHan("abc加") || HasHan("abc 123") {
		t.Error("HasHan")
	}
	if got := Normalize("ＡＢＣ 帳號"); got != "abc 账号" {
		t.Errorf("Normalize = %q", got)
	}
}

// TestNormalizeInvisibleAndDingbats: characters that are never seen (a
// soft hyphen, zero-width spaces and joiners, bidi marks, variation
// selectors, the keycap mark) do not split a word or a number, and the
// dingbat and keycap digit styles read as digits, as ① does through NFKC.
func TestNormalizeInvisibleAndDingbats(t *testing.T) {
	for in, want := range map[string]string{
		"cu\u00adre":       "cure",
		"cu\u200bre":       "cure",
		"c\u200dure":       "cure",
		"wh\u200catsapp":   "whatsapp",
		"\u202ecure\u202c": "cure",
		"we\u2060chat":     "wechat",
		"❶❸❽⓿⓿":            "13800",
		"➀➂➇ ➊➌➑ ⓵⓷⓼":      "138 138 138",
		"1\ufe0f\u20e33\ufe0f\u20e38\ufe0f\u20e3": "138",
		"❿":         "10",
		"加\u200b微信": "加微信",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%+q) = %+q, want %+q", in, got, want)
		}
		toks := Tokenize(in)
		if len(toks) == 0 || toks[len(toks)-1].End > len(in) {
			t.Errorf("%+q: tokens %+v", in, toks)
		}
	}
	// A word's span still covers what was written, invisible runes included.
	in := "add cu\u200bre"
	toks := Tokenize(in)
	if len(toks) != 2 || toks[1].Text != "cure" || in[toks[1].Start:toks[1].End] != "cu\u200bre" {
		t.Errorf("%+q: tokens %+v, want add and cure spanning cu\\u200bre", in, toks)
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"加我威信", "三十五万一千零八", "twenty one hundred", "ＶＸ　加", "\xff\xfe加", "ﬁ ① ㎏ 醫療", "don't"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if isASCII(s) {
			slow := Tokenize(s + " 加")
			if got, want := tokenView(Tokenize(s)), tokenView(slow[:len(slow)-1]); got != want {
				t.Fatalf("%q: ASCII path %q, general %q", s, got, want)
			}
		}
		prev := 0
		for _, tok := range Tokenize(s) {
			if tok.Start < prev || tok.End <= tok.Start || tok.End > len(s) || tok.Text == "" {
				t.Fatalf("bad token %+v in %q", tok, s)
			}
			prev = tok.Start
		}
	})
}

// TestTokenizeASCIIPath: the ASCII fast path gives exactly the general
// path's tokens (forced through it with a Han character at the end).
func TestTokenizeASCIIPath(t *testing.T) {
	for _, s := range []string{"Call ME at 555-0199, don't wait", "oh five oh double seven", "twenty one HUNDRED",
		"um so uh DM me", "a'b 'x y' it's 3am 4u", "", "   ", "x1y2z3 ABC'DEF", "triple eight nine"} {
		fast := Tokenize(s)
		slow := Tokenize(s + " 加") // not ASCII: the general path
		slow = slow[:len(slow)-1]
		if got, want := tokenView(fast), tokenView(slow); got != want {
			t.Errorf("%q: fast %q, general %q", s, got, want)
		}
		for i := range fast {
			if i < len(slow) && (fast[i].Start != slow[i].Start || fast[i].End != slow[i].End || fast[i].Kind != slow[i].Kind) {
				t.Errorf("%q token %d: fast %+v, general %+v", s, i, fast[i], slow[i])
			}
		}
	}
}

func BenchmarkTokenize(b *testing.B) {
	s := "家人们，这款面霜能治糖尿病，全网最低价，加我V信幺三八零零幺三八零零零 this cream cures diabetes, add me on wechat"
	var z Tokenizer
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		z.Tokenize(s)
	}
}

// TestNormalizeDecodesCJKInline: the inline three-byte decode of the CJK
// range gives what utf8 decoding does, and leaves broken sequences to it
// (one space per invalid byte).
func TestNormalizeDecodesCJKInline(t *testing.T) {
	for r := rune(0x3000); r < 0xa100; r++ {
		got := NormalizeRunes(string(r), nil)
		if len(got) == 0 || got[0].Start != 0 || got[len(got)-1].End != len(string(r)) {
			t.Fatalf("%U: spans %+v", r, got)
		}
		if 0x3400 <= r && r <= 0x9fff && (len(got) != 1 || got[0].R != Simplified(r)) {
			t.Fatalf("%U: %+v, want %U", r, got, Simplified(r))
		}
	}
	for _, s := range []string{"\xe4\xb8", "\xe4\xb8a", "\xe4a\xad", "\xed\xa0\x80", "\xe0\x80\x80", "a\xe4"} {
		got := NormalizeRunes(s, nil)
		var want []Rune
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError {
				r = ' '
			}
			want = append(want, Rune{r, i, i + n})
			i += n
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%q: %v, want %v", s, got, want)
		}
	}
}

func TestFirstNonASCII(t *testing.T) {
	for _, s := range []string{"", "abc", "abcdefgh", "abcdefghi", "abcdefgh加", "加", "abcdefg加", "0123456789abcdef\x80", "0123456789abcdef"} {
		want := strings.IndexFunc(s, func(r rune) bool { return r >= utf8.RuneSelf })
		if want < 0 {
			want = len(s)
		}
		if got := firstNonASCII(s); got != want {
			t.Errorf("%q: %d, want %d", s, got, want)
		}
	}
}
