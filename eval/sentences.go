package eval

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed testdata/clean_en.txt
var cleanEN string

//go:embed testdata/violations_en.txt
var violationsEN string

//go:embed testdata/text_zh.jsonl
var textZH []byte

// Violation is one phrasing of a category.
type Violation struct {
	Category, Text string
}

// CleanSentences are the embedded clean talk sentences.
func CleanSentences() []string {
	return lines(cleanEN)
}

// Violations are the embedded violation phrasings.
func Violations() ([]Violation, error) {
	var out []Violation
	for i, l := range lines(violationsEN) {
		cat, text, ok := strings.Cut(l, "\t")
		if !ok || strings.TrimSpace(text) == "" {
			return nil, fmt.Errorf("eval: violations_en.txt entry %d: want category<TAB>sentence", i+1)
		}
		out = append(out, Violation{Category: cat, Text: strings.TrimSpace(text)})
	}
	return out, nil
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}
