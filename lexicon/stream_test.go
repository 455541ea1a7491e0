package lexicon

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/earshot/earshot/transcript"
)

// TestStreamMatchesMatch: fed an utterance as growing partials (word by
// word, character by character for Chinese), with a revision in the
// middle, a Stream gives exactly Engine.Match's hits for every hypothesis.
func TestStreamMatchesMatch(t *testing.T) {
	e := testDefaultEngine(t)
	texts := regressionTexts(t)
	texts = append(texts,
		"他反覆強調可以治癒糖尿病", "call me at five five five one two three four", "加我vx幺三八零零幺三八零零零",
		"this cream cures diabetes but does not cure cancer", "三十五块 加 三十五万")
	for _, text := range texts {
		st := e.NewStream()
		for _, p := range partials(text) {
			h := transcript.Hypothesis{Text: p}
			if got, want := st.Match(h), e.Match(h); !reflect.DeepEqual(got, want) {
				t.Errorf("partial %q of %q:\n\tstream %v\n\tmatch  %v", p, text, brief(got), brief(want))
			}
		}
	}
}

// partials are the hypotheses a streaming recognizer might send for text:
// growing prefixes, one revised (its last word dropped), then the text.
func partials(text string) []string {
	var out []string
	if strings.Contains(text, " ") {
		ws := strings.Fields(text)
		for i := 1; i <= len(ws); i++ {
			out = append(out, strings.Join(ws[:i], " "))
			if i == len(ws)/2 && i > 1 {
				out = append(out, strings.Join(ws[:i-1], " ")+" xyz")
			}
		}
	} else {
		for i := range utf8.RuneCountInString(text) {
			out = append(out, string([]rune(text)[:i+1]))
		}
	}
	return append(out, text)
}

func regressionTexts(t *testing.T) []string {
	t.Helper()
	var texts []string
	files, _ := filepath.Glob("defaults/testdata/cases/*.yaml")
	for _, f := range files {
		var cs []struct {
			Text string `yaml:"text"`
		}
		if err := yaml.Unmarshal(mustRead(t, f), &cs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, c := range cs {
			texts = append(texts, c.Text)
		}
	}
	if len(texts) == 0 {
		t.Fatal("no regression texts")
	}
	return texts
}

func testDefaultEngine(t *testing.T) *Engine {
	t.Helper()
	lx, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return mustCompile(t, lx)
}
