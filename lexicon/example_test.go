package lexicon_test

import (
	"fmt"

	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/transcript"
)

const exampleYAML = `format: 1
name: example
rules:
  - id: pg-wechat-add
    category: private-goods
    severity: high
    patterns: [加微信, {phrase: add me on wechat, slop: 2}]
    exceptions: [不要加]
    reminder: 请勿引导观众添加微信等站外联系方式。
`

func ExampleParse() {
	lx, err := lexicon.Parse("example.yaml", []byte(exampleYAML))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(lx.Name, len(lx.Rules), lx.Rules[0].Languages)
	_, err = lexicon.Parse("bad.yaml", []byte("format: 1\nrules:\n  - id: x\n    category: spam\n    severity: high\n    patterns: [a]\n    reminder: r\n"))
	fmt.Println(err)
	// Output:
	// example 1 [zh en]
	// bad.yaml: rule "x" (#1): category: unknown category "spam" (must be one of private-goods, medical-claim, absolute-claim, guarantee-claim, false-authority, price-fraud)
}

func ExampleCompile() {
	lx, _ := lexicon.Parse("example.yaml", []byte(exampleYAML))
	e, err := lexicon.Compile(lx, lexicon.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(e.Lexicon().Rules))
	// Output: 1
}

func ExampleEngine_MatchText() {
	lx, _ := lexicon.Parse("example.yaml", []byte(exampleYAML))
	e, _ := lexicon.Compile(lx, lexicon.Options{})
	for _, text := range []string{"家人们加薇信", "加V信领券", "add me right now on WeChat", "不要加微信"} {
		for _, h := range e.MatchText(text) {
			fmt.Printf("%s: %s %q via %s\n", text, h.RuleID, h.MatchedText, h.Via)
		}
	}
	// Output:
	// 家人们加薇信: pg-wechat-add "加薇信" via pinyin
	// 加V信领券: pg-wechat-add "加V信" via pinyin
	// add me right now on WeChat: pg-wechat-add "add me right now on WeChat" via exact
}

// A caller that is done with each hypothesis' hits before the next one
// (it stores or sends copies) matches into one slice, reused: the engine
// then allocates no new slice of Hits per hypothesis.
func ExampleEngine_AppendMatch() {
	lx, _ := lexicon.Parse("example.yaml", []byte(exampleYAML))
	e, _ := lexicon.Compile(lx, lexicon.Options{})
	var hits []lexicon.Hit
	for _, text := range []string{"家人们加薇信", "今天不聊这个", "add me right now on WeChat"} {
		hits = e.AppendMatch(hits[:0], transcript.Hypothesis{Text: text, Final: true})
		fmt.Printf("%s: %d", text, len(hits))
		for _, h := range hits {
			fmt.Printf(" %s %q", h.RuleID, h.MatchedText)
		}
		fmt.Println()
	}
	// Output:
	// 家人们加薇信: 1 pg-wechat-add "加薇信"
	// 今天不聊这个: 0
	// add me right now on WeChat: 1 pg-wechat-add "add me right now on WeChat"
}
