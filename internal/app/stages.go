package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/ingest/segment"
	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/sphinx"
)

// NewRecognizer builds the configured ASR engine, logging to log (so that
// --log-level reaches it). A "kws" engine spots the configured lexicon's
// phrases (scan, eval); `serve` builds it with newRecognizer so that it
// follows published lexicon versions.
func NewRecognizer(cfg config.Config, log *slog.Logger) (transcript.Recognizer, error) {
	return newRecognizer(cfg, newLexiconLoader(cfg, log), log)
}

// newRecognizer is NewRecognizer with the lexicon a "kws" engine spots
// taken from lex.
func newRecognizer(cfg config.Config, lex *lexiconLoader, log *slog.Logger) (transcript.Recognizer, error) {
	if cfg.Recognizer.Also != "" {
		return newPair(cfg, lex, log)
	}
	if err := engineAvailable(cfg.Recognizer.Engine); err != nil {
		return nil, err
	}
	log = log.With("recognizer", cfg.Recognizer.Engine)
	switch cfg.Recognizer.Engine {
	case "sphinx":
		s := cfg.Recognizer.Sphinx
		rec, err := sphinx.New(sphinx.Config{HMM: s.HMM, LM: s.LM, Dict: s.Dict, NBest: s.NBest, Logger: log})
		if err != nil {
			return nil, fmt.Errorf("recognizer sphinx: %w", err)
		}
		return rec, nil
	case "openai", "vosk", "sherpa", "replay":
		return newRemoteRecognizer(cfg.Recognizer, log)
	case "kws":
		return newKWS(cfg, lex, log)
	case "none":
		return textOnly{}, nil
	}
	return nil, fmt.Errorf("recognizer %q: want one of %v", cfg.Recognizer.Engine, config.Engines)
}

// NewSegmenter is the default voice-activity segmenter of a session.
func NewSegmenter() segment.Segmenter {
	seg, err := segment.NewEnergy(segment.Config{})
	if err != nil {
		// The zero Config is the documented default; failing here is a bug.
		panic(fmt.Sprintf("app: default segmenter config rejected: %v", err))
	}
	return seg
}

// errTextOnly explains why a text-only deployment refuses audio.
var errTextOnly = errors.New("this server runs with recognizer \"none\": post text to /v1/rooms/{room}/utterances instead of audio")

// textOnly is the recognizer of deployments whose platform runs its own
// ASR and posts text: it refuses audio with a clear error.
type textOnly struct{}

func (textOnly) Name() string { return "none" }
func (textOnly) Open(context.Context, transcript.Emit) (transcript.Stream, error) {
	return nil, errTextOnly
}
func (textOnly) Close() error { return nil }
