package lexicon

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/earshot/earshot/analysis"
)

var identifierCases = []struct {
	name, text string
	want       []string // kind=value, in order found
}{
	{"wechat written", "加我微信号 abc123 哦", []string{"wechat=abc123"}},
	{"wechat homophone and colon", "威信号是：xyz789", []string{"wechat=xyz789"}},
	{"V信 spelled", "V信 a b c 1 2 3", []string{"wechat=abc123"}},
	{"wechat spelled in words", "add my wechat, it is a b c one two three", []string{"wechat=abc123"}},
	{"we chat with a dash", "my we chat id john-88 ok", []string{"wechat=john88"}},
	{"wechat underscore", "微信：lily_88shop", []string{"wechat=lily88shop"}},
	{"phone zh spoken", "打幺三八零零幺三八零零零", []string{"phone=13800138000"}},
	{"phone en words", "call one three eight double oh one three eight zero zero zero", []string{"phone=13800138000"}},
	{"phone grouped with country code", "call +86 138 0013 8000 now", []string{"phone=13800138000"}},
	{"phone mixed", "打 138 零零幺三 8000", []string{"phone=13800138000"}},
	{"hotline", "客服热线 400-820-8820", []string{"phone=4008208820"}},
	{"qq", "QQ 12345678", []string{"qq=12345678"}},
	{"qq spoken zh", "扣扣号 一二三四五六七八", []string{"qq=12345678"}},
	{"whatsapp", "whatsapp +44 7700 900123", []string{"whatsapp=447700900123"}},
	{"telegram handle", "telegram @lilyshop88", []string{"telegram=lilyshop88"}},
	{"telegram zh", "电报 lilyshop", []string{"telegram=lilyshop"}},
	{"email spoken", "email john at gmail dot com", []string{"email=john@gmail.com"}},
	{"email written", "write to lily.shop@qq.com", []string{"email=lily.shop@qq.com"}},
	{"email spoken with a dot in the name", "email lily dot shop at qq dot com", []string{"email=lily.shop@qq.com"}},
	{"email zh", "发邮件到 lily 艾特 163 点 com", []string{"email=lily@163.com"}},
	{"url spoken", "go to w w w dot lilyshop dot com", []string{"url=lilyshop.com"}},
	{"url written", "visit www.LilyShop.com tonight", []string{"url=lilyshop.com"}},
	{"handle spelled", "search l i l y eight eight on the app", []string{"handle=lily88"}},
	{"two in one", "微信 abc123 或者电话 13800138000", []string{"wechat=abc123", "phone=13800138000"}},
	{"wechat letters then zh digits", "加我微信 lily八八九九", []string{"wechat=lily8899"}},
	{"wechat spelled with zh digits", "新号开播 加我微信 l i l y 八 八 九 九 哦", []string{"wechat=lily8899"}},
	{"wechat letters, zh digits apart", "我的微信是 lily 八八九九", []string{"wechat=lily8899"}},
	{"wechat letters, then digits apart", "wechat id is lily 8899", []string{"wechat=lily8899"}},
	{"wechat letters, then digit words", "add my wechat lily eight eight nine nine", []string{"wechat=lily8899"}},
	{"wechat spelled w x", "w x id lily8899", []string{"wechat=lily8899"}},
	{"wechat spelled v x", "加我 v x lily8899", []string{"wechat=lily8899"}},
	{"w x inside a spelled handle", "search a w x b c d e on the app", []string{"handle=awxbcde"}},
	{"douyin handle", "我的抖音号 lily8899", []string{"handle=lily8899"}},
	{"tiktok handle", "follow my tiktok lily_beauty", []string{"handle=lilybeauty"}},
	{"url with a hyphen", "visit lily-beauty.example.com today", []string{"url=lily-beauty.example.com"}},
	{"whatsapp plus spoken", "whatsapp plus eight six one three eight one two three four five six seven eight", []string{"phone=13812345678"}},
	{"wechat mixed case and underscore", "加我 WeChat: Lily_8899", []string{"wechat=lily8899"}},
	{"wechat spelled with dashes", "微信 l-i-l-y-8-8-9-9", []string{"wechat=lily8899"}},
	{"phone with dashes", "打 138-1234-5678", []string{"phone=13812345678"}},
	{"phone zh in groups", "有问题打电话 幺三八 一二三四 五六七八", []string{"phone=13812345678"}},
	{"url with www and a hyphen", "go to www.lily-beauty.com", []string{"url=lily-beauty.com"}},
	{"wechat then a word", "加我微信 lily and 2 friends", nil},
	{"price", "这款只要 99 元，三十五块", nil},
	{"year and price", "since 2024 it costs 2999 dollars", nil},
	{"short id", "微信 ok", nil},
	{"wechat then price", "加微信 送 50 元", nil},
	{"empty", "", nil},
}

func TestIdentifiers(t *testing.T) {
	for _, tt := range identifierCases {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, id := range Identifiers(tt.text) {
				got = append(got, fmt.Sprintf("%s=%s", id.Kind, id.Value))
				if id.Start < 0 || id.End > len(tt.text) || id.Start >= id.End {
					t.Errorf("span %d-%d outside %q", id.Start, id.End, tt.text)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("Identifiers(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

// TestIdentifiersSameValue: one id said three ways is one value.
func TestIdentifiersSameValue(t *testing.T) {
	var vals []string
	for _, s := range []string{"微信 abc123", "my wechat is a b c one two three", "V信 ABC123"} {
		ids := Identifiers(s)
		if len(ids) != 1 {
			t.Fatalf("%q: %v", s, ids)
		}
		vals = append(vals, ids[0].Value)
	}
	if vals[0] != vals[1] || vals[1] != vals[2] {
		t.Errorf("values differ: %v", vals)
	}
}

func FuzzIdentifiers(f *testing.F) {
	for _, s := range []string{"加我微信号 abc123", "call +86 138 0013 8000", "john at gmail dot com", "V信 a b c 1 2 3", "w w w dot x dot com", "微信", "qq", "@@..", "电报 ＠ｌｉｌｙ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var z analysis.Tokenizer
		ids := Identifiers(s)
		if want := identifiersOf(s, z.Tokenize(s)); !reflect.DeepEqual(ids, want) {
			t.Fatalf("%q: Identifiers %+v, every spotter %+v", s, ids, want)
		}
		for _, id := range ids {
			if id.Value == "" || id.Start < 0 || id.End > len(s) || id.Start >= id.End {
				t.Fatalf("%q: bad identifier %+v", s, id)
			}
			if limit := map[IdentifierKind]int{IDEmail: 254, IDURL: 254}[id.Kind]; len(id.Value) > max(limit, 32) {
				t.Fatalf("%q: value %q too long", s, id.Value)
			}
		}
		// A typed value normalizes to what Identifiers would say, or "".
		if v := NormalizeIdentifier(s); v != "" && strings.TrimSpace(v) != v {
			t.Fatalf("NormalizeIdentifier(%q) = %q has spaces", s, v)
		}
	})
}

func TestNormalizeIdentifier(t *testing.T) {
	for in, want := range map[string]string{
		"400-820-8820": "4008208820", "+86 138 0013 8000": "13800138000", "ABC_123": "abc123",
		"John@Gmail.com": "john@gmail.com", "www.LilyShop.com": "lilyshop.com", "微信 abc123": "abc123",
		"  ": "", "--": "", "@.": "",
	} {
		if got := NormalizeIdentifier(in); got != want {
			t.Errorf("NormalizeIdentifier(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkIdentifiers: the extraction the scan role runs on every final
// hypothesis, on a sentence with no identifier and on one with two:
// Identifiers alone, and an IdentifierScanner (the scan role's, reusing
// its tokenizers), side by side.
func BenchmarkIdentifiers(b *testing.B) {
	var sc IdentifierScanner
	for _, s := range []struct{ name, text string }{
		{"none", "家人们这款面霜真的很好用，今天直播间下单还送小样 this cream is lovely on dry skin"},
		{"two", "加我V信 a b c 1 2 3 或者打电话幺三八零零幺三八零零零 call one three eight double oh"},
	} {
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Identifiers(s.text)
			}
		})
		b.Run(s.name+"-scanner", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sc.Identifiers(s.text)
			}
		})
	}
}

// identifierTexts are sentences with and without identifiers: the
// regression cases, TestIdentifiers' and random ones from the tokens
// the spotters read.
func identifierTexts(t *testing.T) []string {
	texts := regressionTexts(t)
	for _, s := range identifierCases {
		texts = append(texts, s.text)
	}
	parts := []string{"微信", "威信", "V信", "vx", "wechat", "we", "chat", "qq", "扣扣", "whats", "app", "电报", "tg",
		"a", "b", "j", "o", "h", "n", "w", "1", "2", "88", "138", "0013", "8000", "一", "二", "三", "幺", "零", "两",
		"one", "two", "eight", "double", "oh", "zero", "at", "艾特", "dot", "点", "com", "cn", "gmail", "lily",
		"shop", "的", "家人们", "号", "是", "id", "is", "my", " ", " ", " ", ".", "@", "_", "-", "。", "，", ":",
		"x", "v", "抖音", "快手", "tiktok", "八", "九", "nine", "beauty"}
	rng := rand.New(rand.NewPCG(8, 9))
	for range 3000 {
		var b strings.Builder
		for range 1 + rng.IntN(16) {
			b.WriteString(parts[rng.IntN(len(parts))])
			if rng.IntN(3) > 0 {
				b.WriteByte(' ')
			}
		}
		texts = append(texts, b.String())
	}
	return texts
}

// TestSkipLosesNoIdentifier: skipping the texts mayHoldIdentifier rules
// out finds what running every spotter on every text finds, and the
// scanner what Identifiers finds.
func TestSkipLosesNoIdentifier(t *testing.T) {
	var sc IdentifierScanner
	found, skipped := 0, 0
	for _, text := range identifierTexts(t) {
		z := analysis.Tokenizer{}
		toks := z.Tokenize(text)
		want := identifiersOf(text, toks)
		if !mayHoldIdentifier(text, toks) {
			skipped++
		}
		if got := Identifiers(text); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: Identifiers %+v, every spotter %+v", text, got, want)
		}
		if got := sc.Identifiers(text); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: scanner %+v, every spotter %+v", text, got, want)
		}
		if len(want) > 0 {
			found++
		}
	}
	if found < 300 || skipped < 300 {
		t.Fatalf("%d texts with identifiers, %d skipped: the test proves little", found, skipped)
	}
}
