package backtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/lexicon"
)

// synthetic builds n rules: two-character Chinese phrases drawn from common
// characters and two-word English phrases, as a large policy list would be.
func synthetic(n int) *lexicon.Lexicon {
	rng := rand.New(rand.NewPCG(1, 2))
	han := []rune("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严")
	words := []string{"amazing", "discount", "bottle", "serum", "miracle", "garden", "kitchen", "vitamin", "collagen",
		"bargain", "premium", "organic", "formula", "detox", "energy", "sleep", "muscle", "weight", "skin", "hair"}
	cats := []string{"private-goods", "medical-claim", "absolute-claim", "guarantee-claim", "false-authority", "price-fraud"}
	lx := &lexicon.Lexicon{Format: 1, Name: fmt.Sprintf("synthetic-%d", n)}
	for i := range n {
		var p string
		if i%3 == 2 {
			p = words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))]
		} else {
			p = string([]rune{han[rng.IntN(len(han))], han[rng.IntN(len(han))], han[rng.IntN(len(han))]})
		}
		lx.Rules = append(lx.Rules, lexicon.Rule{ID: fmt.Sprintf("syn-%05d", i), Category: cats[i%len(cats)],
			Severity: "medium", Patterns: []lexicon.Pattern{{Phrase: p}}, Reminder: "r",
			Languages: []string{map[bool]string{true: "en", false: "zh"}[i%3 == 2]}})
	}
	return lx
}

// dayCorpus is n utterances of mixed speech, 20-40 characters each.
func dayCorpus(n int) sliceSource {
	src := corpus(n)
	extra := []string{"这个颜色特别适合夏天穿，大家可以看一下细节", "the serum has vitamin c and collagen for your skin",
		"我们家的价格是最实在的，质量也有保证", "one two three link in the cart below"}
	for i := range src {
		if i%2 == 1 {
			src[i].Text = extra[i%len(extra)] + "，" + strings.Repeat("好", i%3)
		}
	}
	return src
}

func benchRun(b *testing.B, rules int) {
	liveLx, err := lexicon.Default()
	if err != nil {
		b.Fatal(err)
	}
	live, draft := mustCompile(liveLx), mustCompile(synthetic(rules))
	src := dayCorpus(5000)
	b.ResetTimer()
	var rep *Report
	for b.Loop() {
		rep, err = Run(context.Background(), src, live, draft, t0, t0.Add(24*time.Hour), Options{})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(src)*b.N)/b.Elapsed().Seconds(), "utterances/s")
	_ = rep
}

// BenchmarkBacktest: utterances/s matching each utterance with the live
// default lexicon and a draft of 1,000 or 10,000 rules.
func BenchmarkBacktest1kRules(b *testing.B)  { benchRun(b, 1000) }
func BenchmarkBacktest10kRules(b *testing.B) { benchRun(b, 10000) }
