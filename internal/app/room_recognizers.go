package app

import (
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/transcript"
)

// engines hands rooms the ASR engine they ask for by name: the default
// one, or another engine from the config, built on first use and shared by
// every room that names it.
type engines struct {
	cfg config.Config
	def transcript.Recognizer
	lex *lexiconLoader // the lexicon in force, for "kws"
	log *slog.Logger

	mu    sync.Mutex
	built map[string]transcript.Recognizer
}

func newEngines(cfg config.Config, def transcript.Recognizer, lex *lexiconLoader, log *slog.Logger) *engines {
	return &engines{cfg: cfg, def: def, lex: lex, log: log, built: map[string]transcript.Recognizer{}}
}

// For returns the engine called name.
func (e *engines) For(name string) (transcript.Recognizer, error) {
	if name == e.cfg.Recognizer.Engine {
		return e.def, nil
	}
	if !slices.Contains(config.Engines, name) {
		return nil, fmt.Errorf("unknown engine %q: want one of %v", name, config.Engines)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if rec, ok := e.built[name]; ok {
		return rec, nil
	}
	cfg := e.cfg
	cfg.Recognizer.Engine, cfg.Recognizer.Also = name, ""
	rec, err := newRecognizer(cfg, e.lex, e.log)
	if err != nil {
		return nil, fmt.Errorf("engine %q is not usable here: %w", name, err)
	}
	e.built[name] = rec
	return rec, nil
}

// all lists the engines built for rooms so far (not the default one).
func (e *engines) all() []transcript.Recognizer {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]transcript.Recognizer, 0, len(e.built))
	for _, rec := range e.built {
		out = append(out, rec)
	}
	return out
}

// Close closes the engines built for rooms (not the default one).
func (e *engines) Close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, rec := range e.built {
		_ = rec.Close()
	}
	clear(e.built)
}
