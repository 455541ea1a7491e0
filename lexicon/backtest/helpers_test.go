package backtest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/transcript/store"
)

// sliceSource serves records from memory through the store's Scan
// signature (the store itself has its own tests).
type sliceSource []store.Record

func (s sliceSource) Scan(ctx context.Context, from, to time.Time, fn func(store.Record) error) error {
	for _, r := range s {
		if r.At.Before(from) || !r.At.Before(to) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// sentences mixes violations in both languages with clean speech.
var sentences = []string{
	"加我微信，私聊发货",
	"this cream cures diabetes and lowers your blood pressure",
	"全网最低价，史上最低价",
	"it is the best cream in the world",
	"今天天气不错，我们看看这件衣服",
	"please send the money to my bank account",
	"thank you all for coming tonight",
	"保证有效，无效退款",
	"国家领导人推荐的产品",
	"this does not cure anything, it is just a moisturizer",
	"最近很多人问我这个问题",
	"add me on wechat for a discount",
	"上小黄车，点击购买",
	"只有今天，最后三件",
	"doctors recommend this for everyone",
	"hello hello everyone welcome to the stream",
}

func corpus(n int) sliceSource {
	out := make(sliceSource, n)
	for i := range out {
		out[i] = store.Record{ID: fmt.Sprintf("room%d/s1/%d", i%7, i), Room: fmt.Sprintf("room%d", i%7), Session: "s1",
			Utterance: uint64(i), At: t0.Add(time.Duration(i) * time.Second), Text: sentences[i%len(sentences)]}
	}
	return out
}

// draftOf edits the shipped default: drops its first three rules, adds a
// rule on "hello" and an exception to the fourth rule.
func draftOf(live *lexicon.Lexicon) *lexicon.Lexicon {
	d := *live
	d.Rules = append([]lexicon.Rule(nil), live.Rules[3:]...)
	d.Rules[0].Exceptions = append(append([]lexicon.Exception(nil), d.Rules[0].Exceptions...), lexicon.Exception{Phrase: "不错"})
	d.Rules = append(d.Rules, lexicon.Rule{ID: "greeting-test", Category: "price-fraud", Severity: "low",
		Languages: []string{"en"}, Patterns: []lexicon.Pattern{{Phrase: "hello everyone"}}, Reminder: "test"})
	return &d
}

func mustCompile(lx *lexicon.Lexicon) *lexicon.Engine {
	e, err := lexicon.Compile(lx, lexicon.Options{})
	if err != nil {
		panic(err)
	}
	return e
}

func keyOf(parts ...string) string { return strings.Join(parts, "|") }
