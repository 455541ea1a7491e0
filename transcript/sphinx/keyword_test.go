package sphinx

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/tts"
	"github.com/earshot/earshot/transcript"
)

func TestKeywordSpotting(t *testing.T) {
	skipWithoutModel(t)
	r, err := New(Config{Keyphrases: []Keyphrase{
		{Phrase: "cures cancer"}, {Phrase: "diabetes", Threshold: 1e-10}, {Phrase: "side effects"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Name() != "sphinx-kws" {
		t.Errorf("Name = %q", r.Name())
	}
	for _, v := range []tts.Voice{tts.FliteSLT, tts.FestivalSLTHTS} {
		pcm := speak(t, v, sentences[0])
		finals := recognize(t, r, pcm).Finals()
		if len(finals) != 1 || finals[0].Text == "" {
			t.Fatalf("%s: finals %+v, want one with hits", v, finals)
		}
		f := finals[0]
		t.Logf("%s: %q %+v", v, f.Text, f.Words)
		seen := map[string]bool{}
		for _, p := range strings.Fields(f.Text) {
			if seen[p] {
				t.Errorf("duplicate hit text in %q", f.Text)
			}
			seen[p] = true
		}
		checkWords(t, f.Words, 0, tts.Duration(len(pcm)))
	}
}

func TestKeyphraseNotInDict(t *testing.T) {
	skipWithoutModel(t)
	_, err := New(Config{Keyphrases: []Keyphrase{{Phrase: "add me on xqzwechat"}}})
	if err == nil || !strings.Contains(err.Error(), "xqzwechat") {
		t.Fatalf("New = %v, want an error naming the word", err)
	}
	_, err = New(Config{Keyphrases: []Keyphrase{{Phrase: " "}}})
	if err == nil {
		t.Fatal("empty keyphrase accepted")
	}
	var missing = Config{Keyphrases: []Keyphrase{{Phrase: "cancer"}}, LM: "/nonexistent"}
	if _, err := New(missing); errors.Is(err, ErrModelMissing) {
		t.Fatalf("keyword mode needs no language model, got %v", err)
	}
}

func TestKeywordFinalDedupes(t *testing.T) {
	s := time.Second
	h := keywordFinal(transcript.Hypothesis{Words: []transcript.Word{
		{Text: "diabetes", Start: 2 * s, End: 3 * s},
		{Text: "cures cancer", Start: 1 * s, End: 2 * s},
		{Text: "cures cancer", Start: 1*s + 100*time.Millisecond, End: 2 * s},
		{Text: "cures cancer", Start: 5 * s, End: 6 * s},
	}})
	want := []string{"cures cancer", "diabetes", "cures cancer"}
	var got []string
	for _, w := range h.Words {
		got = append(got, w.Text)
	}
	if !reflect.DeepEqual(got, want) || h.Text != "cures cancer diabetes" {
		t.Fatalf("words %v text %q", got, h.Text)
	}
}
