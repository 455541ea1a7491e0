package analysis_test

import (
	"fmt"

	"github.com/earshot/earshot/analysis"
	"github.com/earshot/earshot/analysis/pinyin"
)

func ExampleNormalize() {
	fmt.Println(analysis.Normalize("加ＶＸ 醫療 Ⅻ"))
	// Output: 加vx 医疗 xii
}

func ExampleTokenize() {
	for _, t := range analysis.Tokenize("Call 幺三八 double five, 三十五块 嗯 don't") {
		fmt.Printf("%q digits=%q compound=%v span=%d-%d\n", t.Text, t.Digits, t.Compound, t.Start, t.End)
	}
	// Output:
	// "call" digits="" compound=false span=0-4
	// "幺" digits="1" compound=false span=5-8
	// "三" digits="3" compound=false span=8-11
	// "八" digits="8" compound=false span=11-14
	// "double" digits="5" compound=false span=15-21
	// "five" digits="5" compound=false span=22-26
	// "三" digits="35" compound=true span=28-31
	// "十" digits="" compound=true span=31-34
	// "五" digits="" compound=true span=34-37
	// "块" digits="" compound=false span=37-40
	// "dont" digits="" compound=false span=45-50
}

func ExampleDigitRuns() {
	toks := analysis.Tokenize("加我 138-0013 八零零零, 不是三十五")
	for run := range analysis.DigitRuns(toks) {
		fmt.Println(run.Digits(toks), run.Len, run.Spoken)
	}
	// Output: 13800138000 11 true
}

func Example_pinyin() {
	fmt.Println(pinyin.Readings('信'), pinyin.Split("weixin"), pinyin.Split("hello"))
	// Output: [xin shen] [wei xin] []
}
