package lexicon_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/lexicon/phonetic"
)

// cmuDict is the pronouncing dictionary production uses (config:
// recognizer.sphinx.dict).
const cmuDict = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"

var (
	asrOnce sync.Once
	asrDict *phonetic.Dict
	asrErr  error
)

// phoneticDict loads the real pronouncing dictionary once, or skips.
func phoneticDict(t *testing.T) *phonetic.Dict {
	t.Helper()
	testutil.NeedFile(t, cmuDict)
	asrOnce.Do(func() { asrDict, asrErr = phonetic.LoadDict(cmuDict) })
	if asrErr != nil {
		t.Fatalf("load %s: %v", cmuDict, asrErr)
	}
	return asrDict
}

// compileWithDict compiles lx with the real phone index, as production does
// (*phonetic.Index is a lexicon.PhoneticMatcher).
func compileWithDict(t *testing.T, lx *lexicon.Lexicon) *lexicon.Engine {
	t.Helper()
	e, err := lexicon.Compile(lx, lexicon.Options{Phonetic: phonetic.NewIndex(phoneticDict(t), phonetic.IndexOptions{})})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return e
}

func describe(hits []lexicon.Hit) string {
	var b strings.Builder
	for _, h := range hits {
		b.WriteString("\n\t" + h.RuleID + " " + h.Category + " pattern=" + h.Pattern +
			" matched=" + h.MatchedText + " via=" + h.Via)
	}
	return b.String()
}

// TestASRCleanEnglish: clean live-commerce English as PocketSphinx writes it
// (lower case, no punctuation, misrecognized words) must not fire.
func TestASRCleanEnglish(t *testing.T) {
	lx, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	e := compileWithDict(t, lx)
	clean := []string{
		"if you like it click the yellow ca below to order",
		"hello everyone and welcome back to the live room",
		"hi guys welcome to the live room today",
		"thank you so much for joining us tonight",
		"let me show you the color of this sweater",
		"this one comes in three sizes small medium and large",
		"the fabric is soft and it washes well",
		"if you have any questions type them in the comments",
		"ya ya so ya the strap is adjustable",
		"ok ya let me check the stock for you",
		"we ship within two days after you place the order",
		"you can find it in the yellow cart below",
		"tap the cart button to see all the links",
		"this bag is made of canvas and leather",
		"let me try it on so you can see how it fits",
		"it is a little bit big so maybe size down",
		"the blue one is really popular this season",
		"say hi in the chat if you are new here",
		"follow the room so you don't miss the next show",
		"we have a few left in black and in white",
		"the box includes the charger and a cable",
		"i use this every morning before work",
		"it smells like lavender and vanilla",
		"you can return it within seven days",
		"the lipstick is a matte finish",
		"we will do a giveaway at the end of the stream",
		"remember to read the label before you use it",
		"this serum feels light on the skin",
		"the pan heats up quickly and evenly",
		"these shoes are good for walking all day",
		"my sister loves this brand too",
		"let me read some of your comments",
		"someone asked about the shipping to canada",
		"the kids love the taste of these snacks",
		"welcome back to the live stream everyone",
		"to the live room welcome welcome",
		"and now we go to the next product",
		"we are live from the warehouse today",
		"this product comes with a user manual",
		"ca ca ca sorry the mic cut out",
		"uh i see a lot of people in the room",
		"go to the shop tab and pick your size",
	}
	for _, s := range clean {
		if hits := e.MatchText(s); len(hits) > 0 {
			t.Errorf("clean %q fired:%s", s, describe(hits))
		}
	}
}

// TestASRGarbledViolations: violations as ASR garbles them still fire the
// expected category.
func TestASRGarbledViolations(t *testing.T) {
	lx, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	e := compileWithDict(t, lx)
	cases := []struct{ text, cat string }{
		{"this cream cure is diabetes", "medical-claim"},
		{"this cream cure is cancer and diabetes", "medical-claim"},
		{"it gears cancer fast", "medical-claim"},
		{"it has no side affects", "medical-claim"},
		{"and no side affects at all", "medical-claim"},
		{"send the money to my personal bank account", "private-goods"},
		{"add me on what's up", "private-goods"},
		{"just add me on we chat", "private-goods"},
		{"pay me on pay pal and i ship it", "private-goods"},
		{"the lowest price ever", "price-fraud"},
		{"this is the best product in the world", "absolute-claim"},
		{"our doctor recommended it", "false-authority"},
		{"doctors recommend this product", "false-authority"},
		{"it treat diabetes", "medical-claim"},
		{"it's a hundred percent guaranteed", "guarantee-claim"},
		{"it will cure your cancer", "medical-claim"},
		{"this tea cures insomnia", "medical-claim"},
		{"we are the number one brand", "absolute-claim"},
		{"it's approved by the fda", "false-authority"},
		{"this deal is only for today", "price-fraud"},
		{"加我微信", "private-goods"},
		{"加我威信", "private-goods"},
		{"加我卫星", "private-goods"},
		{"加我薇信", "private-goods"},
		{"加我vx", "private-goods"},
		{"这个可以治疗糖尿病", "medical-claim"},
	}
	for _, c := range cases {
		hits := e.MatchText(c.text)
		ok := false
		for _, h := range hits {
			ok = ok || h.Category == c.cat
		}
		if !ok {
			t.Errorf("%q: want %s, got:%s", c.text, c.cat, describe(hits))
		}
	}
}

// asrRules make the reported false alarms reachable regardless of how the
// shipped lexicon tunes fuzzy: every pattern here is fuzzy.
const asrRules = `format: 1
name: asr
rules:
  - id: md-zh-treat
    category: medical-claim
    severity: high
    languages: [zh]
    patterns: [医治, 从爱, 牙痛]
    reminder: r
  - id: pg-zh-wechat
    category: private-goods
    severity: high
    languages: [zh]
    patterns: [加微信, 微信号]
    reminder: r
  - id: pf-en-today
    category: price-fraud
    severity: medium
    patterns: [only today, left in stock, guaranteed to grow]
    reminder: r
  - id: md-en-cure
    category: medical-claim
    severity: high
    patterns: [cures cancer, no side effects, treats diabetes]
    reminder: r
`

// TestASREngineGuards covers each engine guard against ASR false alarms,
// and the sound-alikes they must keep.
func TestASREngineGuards(t *testing.T) {
	lx, err := lexicon.Parse("asr.yaml", []byte(asrRules))
	if err != nil {
		t.Fatal(err)
	}
	e := compileWithDict(t, lx)
	tests := []struct {
		text, rule string // rule "" = nothing fires
	}{
		// Latin read as Chinese only in Chinese speech or for conventional
		// spellings; initials only for vowel-less abbreviations.
		{"if you like it click the yellow ca below to order", ""},
		{"ca", ""},
		{"ok ya ya so ya", ""},
		{"加vx", "pg-zh-wechat"},
		{"vx hao", "pg-zh-wechat"},
		{"加 weixin", "pg-zh-wechat"},
		{"jia weixin", "pg-zh-wechat"},
		{"加V信", "pg-zh-wechat"},
		{"weixin hao 123", "pg-zh-wechat"},
		// Fuzzy pinyin compares primary readings: 次 ci is not 治 (rare chi).
		{"最近 第一次", ""},
		{"第一次来直播间", ""},
		{"加威信", "pg-zh-wechat"},
		{"加卫星", "pg-zh-wechat"},
		{"加薇信", "pg-zh-wechat"},
		{"这个可以医治", "md-zh-treat"},
		// Phonetic matches need a plausible alignment.
		{"hello everyone and welcome back to the live room", ""},
		{"we have a few left in black and in white", ""},
		{"it's guaranteed to work", ""},
		{"only today", "pf-en-today"},
		{"it's left in stock", "pf-en-today"},
		{"this cream cure is cancer and diabetes", "md-en-cure"},
		{"it gears cancer fast", "md-en-cure"},
		{"and no side affects at all", "md-en-cure"},
		{"it treat diabetes", "md-en-cure"},
	}
	for _, tt := range tests {
		hits := e.MatchText(tt.text)
		switch {
		case tt.rule == "" && len(hits) > 0:
			t.Errorf("%q fired:%s", tt.text, describe(hits))
		case tt.rule != "" && !hasRuleHit(hits, tt.rule):
			t.Errorf("%q: want %s, got:%s", tt.text, tt.rule, describe(hits))
		}
	}
}

func hasRuleHit(hits []lexicon.Hit, id string) bool {
	for _, h := range hits {
		if h.RuleID == id {
			return true
		}
	}
	return false
}
