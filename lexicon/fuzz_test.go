package lexicon

import (
	"testing"

	"github.com/earshot/earshot/transcript"
)

func FuzzParse(f *testing.F) {
	f.Add([]byte(badYAML))
	f.Add(mustRead(f, "testdata/rules.yaml"))
	f.Add([]byte("format: 1\nrules:\n  - {id: a, category: private-goods, severity: low, patterns: [{digits: 7}], reminder: r}"))
	f.Add([]byte("format: 1\nsets: {c: [diabetes, 糖尿病], v: [cure, heal]}\nrules:\n  - {id: a, category: medical-claim, severity: high, patterns: [\"{v}s {c}\", {phrase: \"治{c}\", not_inside: [\"{c}患者\"]}], exceptions: [\"not {v}\"], reminder: r}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lx, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		e, err := Compile(lx, Options{})
		if err != nil {
			t.Fatalf("valid lexicon failed to compile: %v", err)
		}
		e.MatchText("加微信 add me on wechat 13800138000 最近第一次")
	})
}

func FuzzMatch(f *testing.F) {
	e := testEngine(f, Options{Phonetic: &fakePhonetic{}})
	for _, s := range []string{"加我威信", "加V信", "jia weixin", "vx", "幺三八零零幺三八", "five five five one two three four",
		"三十五万一千零八", "twenty one hundred", "this does not cure diabetes", "最近第一次上小黄车", "ＶＸ　加", "\xff\xfe加",
		"don't add anyone's wechat", "ﬁ ① ㎏ 醫療"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		hyp := transcript.Hypothesis{Text: text, Alternatives: []string{text + "微信"},
			Words: []transcript.Word{{Text: text}}}
		for _, h := range e.Match(hyp) {
			if !(h.Score > 0 && h.Score <= 1) || h.Via == "" || h.MatchedText == "" {
				t.Fatalf("bad hit %+v", h)
			}
		}
		for _, x := range e.Explain(text) {
			if x.Matched && x.MatchedText == "" {
				t.Fatalf("bad explanation %+v", x)
			}
		}
	})
}
