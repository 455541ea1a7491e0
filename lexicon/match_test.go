package lexicon

import (
	"testing"
)

func TestMatchText(t *testing.T) {
	e := testEngine(t, Options{})
	cases := []struct {
		name, text, rule, via, matched string // rule "" = no hit expected for notRule
		notRule                        string
	}{
		// private goods, zh, with evasions
		{name: "plain", text: "大家加微信聊", rule: "pg-wechat", via: "exact", matched: "加微信"},
		{name: "traditional", text: "大家加微信，私聊", rule: "pg-wechat", via: "exact"},
		{name: "fullwidth", text: "加ＶＸ", rule: "pg-wechat", via: "initials", matched: "加ＶＸ"},
		{name: "homophone 威信", text: "加我威信", rule: "pg-wechat", via: "pinyin", matched: "威信"},
		{name: "homophone 薇信", text: "加薇信哦", rule: "pg-wechat", via: "pinyin", matched: "加薇信"},
		{name: "near homophone 卫星", text: "加卫星", rule: "pg-wechat", via: "pinyin", matched: "加卫星"},
		{name: "two-char pattern: exact tone only", text: "关注卫星", notRule: "pg-wechat"},
		{name: "letter V", text: "加V信", rule: "pg-wechat", via: "pinyin", matched: "加V信"},
		{name: "initials vx", text: "加vx", rule: "pg-wechat", via: "initials", matched: "加vx"},
		{name: "initials wx", text: "私我wx", rule: "pg-wechat", via: "initials", matched: "wx"},
		{name: "typed pinyin", text: "jia weixin", rule: "pg-wechat", via: "pinyin", matched: "jia weixin"},
		{name: "typed pinyin split", text: "wei xin 上聊", rule: "pg-wechat", via: "pinyin", matched: "wei xin"},
		{name: "padding", text: "加 微 ... 信", rule: "pg-wechat", via: "exact", matched: "加 微 ... 信"},
		{name: "filler", text: "加嗯微信", rule: "pg-wechat", via: "exact", matched: "加嗯微信"},
		{name: "qq letters", text: "加我扣扣", rule: "pg-qq", via: "pinyin", matched: "扣扣"},
		{name: "qq 球球", text: "球球号", rule: "pg-qq", via: "pinyin", matched: "球球"},
		{name: "qq typed", text: "加qq", rule: "pg-qq", via: "exact", matched: "qq"},
		{name: "transfer zh", text: "直接转账给我就行", rule: "pg-transfer", via: "exact", matched: "转账给我"},
		{name: "transfer trad", text: "直接轉帳給我", rule: "pg-transfer", via: "exact", matched: "轉帳給我"},
		// private goods, en
		{name: "en wechat", text: "just add me on WeChat ok", rule: "pg-wechat", via: "exact", matched: "add me on WeChat"},
		{name: "en slop", text: "add me right now on wechat", rule: "pg-wechat", via: "exact"},
		{name: "en paypal", text: "Pay me on PayPal.", rule: "pg-transfer", via: "exact", matched: "Pay me on PayPal"},
		// digits
		{name: "digits written", text: "call 13800138000", rule: "pg-phone", via: "digits", matched: "13800138000"},
		{name: "digits split", text: "号码 138-0013 8000", rule: "pg-phone", via: "digits", matched: "138-0013 8000"},
		{name: "digits zh", text: "幺三八零零幺三八", rule: "pg-phone", via: "digits", matched: "幺三八零零幺三八"},
		{name: "digits en", text: "five five five one two three four", rule: "pg-phone", via: "digits"},
		{name: "digits mixed", text: "1 3 8 uh zero zero one three", rule: "pg-phone", via: "digits"},
		{name: "digits double", text: "one three eight double zero one three", rule: "pg-phone", via: "digits", matched: "one three eight double zero one three"},
		{name: "digits triple", text: "triple five one two three four", rule: "pg-phone", via: "digits"},
		{name: "double not a digit", text: "double the fun, one two three four five", notRule: "pg-phone"},
		{name: "digits too short", text: "only 3 left, 99 yuan", notRule: "pg-phone"},
		{name: "compound not digits", text: "千万不要错过", notRule: "pg-phone"},
		// medical
		{name: "zh cure", text: "这个能根治糖尿病", rule: "mc-cure", via: "exact", matched: "根治糖尿病"},
		{name: "en stem", text: "it cures diabetes fast", rule: "mc-cure", via: "wildcard", matched: "cures diabetes"},
		{name: "en wildcard", text: "curing diabetes", rule: "mc-cure", via: "wildcard"},
		{name: "en stem cancer", text: "it cured cancer", rule: "mc-cure", via: "stem", matched: "cured cancer"},
		{name: "en side effects", text: "100% no side effects", rule: "mc-cure", via: "exact"},
		{name: "zh side effects", text: "完全無副作用", rule: "mc-cure", via: "exact", matched: "無副作用"},
		// absolute
		{name: "zui", text: "这是最好的", rule: "ac-most", via: "exact", matched: "最"},
		{name: "zui not homophone", text: "喝醉了", notRule: "ac-most"},
		{name: "trap 最近", text: "最近很多人问", notRule: "ac-most"},
		{name: "first", text: "销量第一", rule: "ac-first", via: "exact", matched: "第一"},
		{name: "first digit", text: "销量第1", rule: "ac-first", via: "exact", matched: "第1"},
		{name: "trap 第一次", text: "第一次来直播间吗", notRule: "ac-first"},
		{name: "en number one", text: "the number one brand", rule: "ac-first", via: "exact"},
		{name: "en number 1", text: "number 1 brand", rule: "ac-first", via: "exact"},
		// guarantee, authority, price
		{name: "guarantee", text: "保证有效", rule: "gc-effect", via: "exact"},
		{name: "guarantee en", text: "guaranteed to lose 10 kg", rule: "gc-effect", via: "exact"},
		{name: "authority", text: "国家领导人推荐的", rule: "fa-doctor", via: "exact"},
		{name: "authority en", text: "doctors recommend it", rule: "fa-doctor", via: "exact"},
		{name: "authority stem", text: "the doctor recommended it", rule: "fa-doctor", via: "stem"},
		{name: "price", text: "史上最低价", rule: "pf-lowest", via: "exact"},
		{name: "price en", text: "only today", rule: "pf-lowest", via: "exact"},
		// trap: the platform cart
		{name: "board", text: "上车私聊", rule: "pg-board", via: "exact", matched: "上车"},
		{name: "trap 小黄车", text: "点击上小黄车下单", notRule: "pg-board"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hits := e.MatchText(c.text)
			if c.notRule != "" {
				if h := hitFor(hits, c.notRule); h != nil {
					t.Fatalf("%q: unexpected hit %+v", c.text, *h)
				}
				return
			}
			h := hitFor(hits, c.rule)
			if h == nil {
				t.Fatalf("%q: no hit for %s; got %+v\nexplain: %+v", c.text, c.rule, hits, e.Explain(c.text))
			}
			if h.Via != c.via {
				t.Errorf("%q: via %q, want %q", c.text, h.Via, c.via)
			}
			if c.matched != "" && h.MatchedText != c.matched {
				t.Errorf("%q: matched %q, want %q", c.text, h.MatchedText, c.matched)
			}
			if !(h.Score > 0 && h.Score <= 1) {
				t.Errorf("score %v out of (0,1]", h.Score)
			}
		})
	}
}

func TestExceptions(t *testing.T) {
	e := testEngine(t, Options{})
	cases := []struct{ text, rule string }{
		{"不要加别人微信", "pg-wechat"},
		{"大家别加微信", "pg-wechat"},
		{"we never ask you to add my wechat", "pg-wechat"},
		{"don't add anyone's wechat", "pg-wechat"},
		{"this does not cure diabetes", "mc-cure"},
		{"it will not cure anything, not cancer", "mc-cure"},
		{"不能根治糖尿病", "mc-cure"},
		{"我们不是第一", "ac-first"},
		{"never transfer to my account outside the platform", "pg-transfer"},
	}
	for _, c := range cases {
		if h := hitFor(e.MatchText(c.text), c.rule); h != nil {
			t.Errorf("%q: exception should cancel, got %+v", c.text, *h)
		}
	}
	// A later occurrence outside the exception's window still fires.
	text := "不要加别人微信，有问题的加我的私人的那个微信"
	if hitFor(e.MatchText(text), "pg-wechat") == nil {
		t.Errorf("%q: second occurrence should fire", text)
	}
}
