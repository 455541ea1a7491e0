package lexicon

import (
	"sort"
	"strings"
	"testing"
)

// TestCompoundNumeralsInPhrases: a number in a phrase matches written the
// other way (十八岁 / 18岁, thirty days / 30 days), and the hit reports the
// phrase as the rule wrote it; single digits keep matching as before.
func TestCompoundNumeralsInPhrases(t *testing.T) {
	const y = `
format: 1
name: numerals
rules:
  - {id: age-han, category: price-fraud, severity: low, reminder: r, patterns: [{phrase: 十八岁, fuzzy: false}]}
  - {id: age-digits, category: price-fraud, severity: low, reminder: r, patterns: [{phrase: 满25天, fuzzy: false}]}
  - {id: days-en, category: guarantee-claim, severity: low, reminder: r, patterns: [{phrase: results in thirty days, fuzzy: false, slop: 0}]}
  - {id: price, category: price-fraud, severity: low, reminder: r, patterns: [{phrase: 原价一百零五, fuzzy: false}]}
  - {id: first, category: absolute-claim, severity: low, reminder: r, patterns: [{phrase: 第一, fuzzy: false}]}
`
	e := compileYAML(t, "numerals.yaml", y)
	tests := []struct{ text, want, pattern string }{
		{"满18岁才能买", "age-han", "十八岁"},
		{"满 18 岁才能买", "age-han", "十八岁"},
		{"满十八岁才能买", "age-han", "十八岁"},
		{"要满二十五天", "age-digits", "满25天"},
		{"要满25天", "age-digits", "满25天"},
		{"you see results in 30 days", "days-en", "results in thirty days"},
		{"原价105今天", "price", "原价一百零五"},
		{"我们是第1", "first", "第一"},
		{"满十九岁", "", ""},
		{"满28岁", "", ""},
		{"results in thirty one days", "", ""},
	}
	for _, tt := range tests {
		hits := e.MatchText(tt.text)
		switch {
		case tt.want == "" && len(hits) > 0:
			t.Errorf("%q: hits %+v, want none", tt.text, hits)
		case tt.want != "" && (len(hits) != 1 || hits[0].RuleID != tt.want || hits[0].Pattern != tt.pattern):
			t.Errorf("%q: hits %+v, want %s on pattern %q", tt.text, hits, tt.want, tt.pattern)
		}
	}
}

// TestSlopSkipsNoNumber: in a phrase that names a number, slop skips a
// word but never a number or part of one, which would change the number
// (thirty [one] days is 31 days); in a phrase with no number, slop still
// skips numbers (results in [thirty one] days).
func TestSlopSkipsNoNumber(t *testing.T) {
	const y = `
format: 1
name: slop-numbers
rules:
  - {id: days, category: guarantee-claim, severity: low, reminder: r, patterns: [{phrase: thirty days, fuzzy: false, slop: 2}]}
  - {id: days-fuzzy, category: guarantee-claim, severity: low, reminder: r, patterns: [{phrase: within thirty days}]}
  - {id: pct, category: absolute-claim, severity: low, reminder: r, patterns: [{phrase: 100 percent, fuzzy: false}]}
  - {id: zh-days, category: guarantee-claim, severity: low, reminder: r, patterns: [{phrase: 三十天见效, slop: 1}]}
  - {id: any-days, category: guarantee-claim, severity: low, reminder: r, patterns: [{phrase: results in days, fuzzy: false, slop: 2}]}
`
	e := compileYAML(t, "slop-numbers.yaml", y)
	tests := []struct {
		text string
		want []string // rule ids, sorted
	}{
		{"thirty days", []string{"days"}},
		{"thirty whole days", []string{"days"}},
		{"thirty one days", nil},
		{"thirty 1 days", nil},
		{"30 1 days", nil},
		{"thirty or so days", []string{"days"}},
		{"within thirty days", []string{"days", "days-fuzzy"}},
		{"within thirty two days", nil},
		{"100 percent", []string{"pct"}},
		{"100 1 percent", nil},
		{"100 per percent", []string{"pct"}},
		{"三十天见效", []string{"zh-days"}},
		{"三十天就见效", []string{"zh-days"}},
		{"三十一天见效", nil},
		{"30天见效", []string{"zh-days"}},
		{"results in thirty one days", []string{"any-days"}},
		{"results in 31 days", []string{"any-days"}},
	}
	for _, tt := range tests {
		var got []string
		for _, h := range e.MatchText(tt.text) {
			got = append(got, h.RuleID)
		}
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%q: rules %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestChineseNumeral(t *testing.T) {
	for n, want := range map[int]string{10: "十", 18: "十八", 20: "二十", 99: "九十九", 100: "一百", 105: "一百零五",
		110: "一百一十", 1000: "一千", 1005: "一千零五", 3020: "三千零二十", 12000: "一万二千", 10001: "一万零一"} {
		if got := chineseNumeral(n); got != want {
			t.Errorf("chineseNumeral(%d) = %q, want %q", n, got, want)
		}
	}
}
