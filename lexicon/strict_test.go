package lexicon

import (
	"slices"
	"strings"
	"testing"
)

func strictEngine(t testing.TB) *Engine {
	t.Helper()
	lx, err := LoadFile("testdata/strict.yaml")
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	e, err := Compile(lx, Options{})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return e
}

// TestExceptionsExact: an exception matches its characters, words or stems
// only, so a sound-alike or a phrase spread over other words does not cancel
// a real violation.
func TestExceptionsExact(t *testing.T) {
	e := strictEngine(t)
	cases := []struct {
		text, rule string
		fire       bool
	}{
		{"刚进房的宝宝加我微信领福利", "pg-wechat", true},                          // 进房 is not 谨防
		{"布要加我微信", "pg-wechat", true},                                 // 布要加 is not 不要加
		{"布要加我微信", "pg-wechat-fuzzy-exception", false},                // fuzzy: true opts in
		{"谨防诈骗，不要加陌生人微信", "pg-wechat", false},                         // the real exception
		{"Don't wait, DM me for the real price", "pg-dm", true},       // not "don't dm"
		{"Don't wait, DM me for the real price", "pg-dm-slop", false}, // slop: 2 opts in
		{"don't DM me about it", "pg-dm", false},
		{"这个泡脚包能治失眠多梦", "md-cure", true}, // 包能治 is not 不能治
		{"这个泡脚包不能治病", "md-cure", false},
		{"哈佛大学研发的配方", "fa-research", true}, // no 不能 anywhere
		{"it cures everything", "md-cure-en", true},
		{"this does not cure anything", "md-cure-en", false},
		{"it did not cure it, it does not cures anything", "md-cure-en", false}, // stems: cures = cure
	}
	for _, c := range cases {
		got := hitFor(e.MatchText(c.text), c.rule) != nil
		if got != c.fire {
			t.Errorf("%q rule %s: fired %v, want %v\n%+v", c.text, c.rule, got, c.fire, e.Explain(c.text))
		}
	}
}

// TestShortChinesePatterns: a fuzzy pattern of one or two characters takes
// a sound-alike only when it has the pattern character's main reading and
// tone; longer patterns keep the loose pinyin matching.
func TestShortChinesePatterns(t *testing.T) {
	e := strictEngine(t)
	cases := []struct {
		text, rule string
		fire       bool
	}{
		{"我一直在用", "md-short", false},   // 医治
		{"买一支口红", "md-short", false},   // 医治
		{"是针对油皮的", "md-short", false},  // 湿疹
		{"我们是源头工厂", "md-short", false}, // 宫寒
		{"或者你选红色", "md-short", false},  // 王者
		{"别方法都试过", "md-short", false},  // 秘方
		{"能医治", "md-short", true},
		{"关注威信", "pg-wechat", true},
		{"关注薇信", "pg-wechat", true},
		{"关注卫星", "pg-wechat", false}, // near-homophone: only in longer patterns
		{"加我卫星", "pg-wechat", true},
		{"加我维信", "pg-wechat", true},
		{"加V信", "pg-wechat", true},
		{"加我vx", "pg-wechat", true},
		{"我们是源头工厂，自己生产自己卖", "pf-scarcity", false}, // 单's rare chán is not 产 chǎn
		{"最后只剩三单了", "pf-scarcity", true},
	}
	for _, c := range cases {
		got := hitFor(e.MatchText(c.text), c.rule) != nil
		if got != c.fire {
			t.Errorf("%q rule %s: fired %v, want %v\n%+v", c.text, c.rule, got, c.fire, e.Explain(c.text))
		}
	}
}

func TestExceptionOptionsValidated(t *testing.T) {
	for _, c := range []struct{ opts, want string }{
		{"slop: 11", "exceptions[0].slop: must be between 0 and 10"},
		{"slop: -1", "exceptions[0].slop: must be between 0 and 10"},
		{"fuzzy: maybe", "into bool (line 8)"},
		{"fuzz: true", "exceptions[0].fuzz: unknown field (line 8)"},
	} {
		_, err := Parse("x.yaml", []byte(`format: 1
rules:
  - id: r
    category: private-goods
    severity: low
    patterns: [加微信]
    exceptions:
      - {phrase: 不要加, `+c.opts+`}
    reminder: r
`))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.opts, err, c.want)
		}
	}
}

// TestJoinedWords: a one-word English pattern matches the pieces ASR splits
// it into, never single letters or a lone prefix.
func TestJoinedWords(t *testing.T) {
	e := compileYAML(t, "j.yaml", `format: 1
rules:
  - id: pg-venmo
    category: private-goods
    severity: high
    patterns: [venmo, pay me on paypal]
    reminder: r
`)
	for _, c := range []struct {
		text, matched string
	}{
		{"ven mo me the money", "ven mo"},
		{"pay me on pay pal", "pay me on pay pal"},
		{"v e n m o", ""},
		{"ven is my friend", ""},
		{"venmo", "venmo"},
	} {
		h := hitFor(e.MatchText(c.text), "pg-venmo")
		switch {
		case c.matched == "" && h != nil:
			t.Errorf("%q: unexpected hit %+v", c.text, *h)
		case c.matched != "" && (h == nil || h.MatchedText != c.matched):
			t.Errorf("%q: got %+v, want %q", c.text, h, c.matched)
		}
	}
}

// TestLanguageSelection: a rule fires only on segments of its languages.
func TestLanguageSelection(t *testing.T) {
	e := compileYAML(t, "l.yaml", `format: 1
rules:
  - {id: zh-only, category: private-goods, severity: low, languages: [zh], patterns: [wechat], reminder: r}
  - {id: en-only, category: private-goods, severity: low, languages: [en], patterns: [wechat], reminder: r}
  - {id: digits, category: private-goods, severity: low, languages: [en], patterns: [{digits: 7}], reminder: r}
  - {id: digits-zh, category: private-goods, severity: low, languages: [zh], patterns: [{digits: 7}], reminder: r}
  - {id: mail, category: private-goods, severity: low, languages: [en], patterns: [{contact: email}], reminder: r}
`)
	for _, c := range []struct {
		text string
		want []string
	}{
		{"add me on wechat", []string{"en-only"}},
		{"加我wechat", []string{"en-only", "zh-only"}},
		{"wechat vx", []string{"en-only", "zh-only"}}, // vx is Chinese-only
		// digit and contact patterns keep their rule's languages: an
		// English number rule is not a Chinese broadcast's, nor the
		// reverse; a segment of digits alone is both
		{"幺三八零零幺三八", []string{"digits-zh"}},
		{"call 5551234567 now", []string{"digits"}},
		{"5551234567", []string{"digits", "digits-zh"}},
		{"mail lily at gmail dot com", []string{"mail"}},
		{"发邮件到 幺三八 艾特 一六三 点 com", []string{"mail"}}, // mixed: both languages
	} {
		var got []string
		for _, h := range e.MatchText(c.text) {
			got = append(got, h.RuleID)
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: rules %v, want %v", c.text, got, c.want)
		}
	}
}
