package app

import (
	"fmt"
	"log/slog"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/lexicon/phonetic"
)

// LoadMatcher loads the configured lexicon (the shipped default when no file
// is named) and compiles it, with phone-sequence matching when enabled and
// the pronouncing dictionary is readable.
func LoadMatcher(cfg config.Config, log *slog.Logger) (*lexicon.Engine, error) {
	var lx *lexicon.Lexicon
	var err error
	if cfg.Lexicon.File != "" {
		lx, err = lexicon.LoadFile(cfg.Lexicon.File)
	} else {
		lx, err = lexicon.Default()
	}
	if err != nil {
		return nil, err
	}
	var opts lexicon.Options
	if cfg.Lexicon.Phonetic {
		dict, err := phonetic.LoadDict(cfg.Recognizer.Sphinx.Dict)
		if err != nil {
			// Text-only deployments may have no dictionary: matching still
			// works on words and stems, just less tolerant of ASR errors.
			log.Warn("phonetic matching off: pronouncing dictionary unreadable", "err", err)
		} else {
			opts.Phonetic = phonetic.NewIndex(dict, phonetic.IndexOptions{})
		}
	}
	eng, err := lexicon.Compile(lx, opts)
	if err != nil {
		return nil, fmt.Errorf("compiling lexicon %q: %w", lx.Name, err)
	}
	log.Info("lexicon loaded", "name", lx.Name, "rules", len(lx.Rules), "phonetic", opts.Phonetic != nil)
	return eng, nil
}
