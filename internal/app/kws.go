package app

import (
	"slices"
	"sync"

	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/transcript/kws"
)

// KWSPhrases lists what the keyword spotter may look for in lx: the phrase
// patterns of the rules that apply to English speech (languages lists en,
// or nothing: then the dictionary decides), each tagged with its rule id.
// Digits patterns have no phrase to spot; the free-text recognizer and the
// lexicon cover them. This is the one place the rule format meets
// transcript/kws, which must never import the lexicon.
func KWSPhrases(lx *lexicon.Lexicon) *kws.Phrases {
	ph := &kws.Phrases{Name: lx.Name}
	for _, r := range lx.Rules {
		if len(r.Languages) > 0 && !slices.Contains(r.Languages, "en") {
			continue
		}
		for _, p := range r.Patterns {
			if p.Digits == 0 {
				ph.List = append(ph.List, kws.Phrase{Text: p.Phrase, ID: r.ID})
			}
		}
	}
	return ph
}

// kwsSource feeds the spotter the phrases of the lexicon in force,
// converted once per lexicon version: kws asks at every utterance start
// and starts a rebuild when the pointer it gets changes.
type kwsSource struct {
	lexicon func() *lexicon.Lexicon // never returns nil

	mu sync.Mutex
	lx *lexicon.Lexicon
	ph *kws.Phrases
}

func (s *kwsSource) Phrases() *kws.Phrases {
	lx := s.lexicon()
	s.mu.Lock()
	defer s.mu.Unlock()
	if lx != s.lx {
		s.lx, s.ph = lx, KWSPhrases(lx)
	}
	return s.ph
}
