package app

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/lexicon/defaults"
	"github.com/earshot/earshot/lexicon/phonetic"
	"github.com/earshot/earshot/lexicon/version"
)

// lexiconLoader is the one way this process gets its lexicon and compiles
// it. Lexicon answers with the version active in the NATS KV bucket once
// `serve` follows it, and otherwise (scan, eval, kws, and serve before its
// watcher runs) with the configured file, or the shipped default when no
// file is named, read once. Compile is the one compiler of every lexicon,
// the configured one and each published version alike.
type lexiconLoader struct {
	cfg config.Config
	log *slog.Logger

	confOnce sync.Once
	conf     configuredLexicon

	dictOnce sync.Once
	dict     *phonetic.Dict // nil: phonetic matching off

	active atomic.Pointer[func() *version.Compiled] // set by follow
}

// configuredLexicon is what the config names, as read.
type configuredLexicon struct {
	file string // base name, for the version history
	yaml []byte
	lx   *lexicon.Lexicon
	err  error
}

func newLexiconLoader(cfg config.Config, log *slog.Logger) *lexiconLoader {
	if log == nil {
		log = slog.Default()
	}
	return &lexiconLoader{cfg: cfg, log: log}
}

// configured reads and parses the configured lexicon, once.
func (l *lexiconLoader) configured() configuredLexicon {
	l.confOnce.Do(func() {
		c := &l.conf
		if path := l.cfg.Lexicon.File; path != "" {
			c.file = filepath.Base(path)
			if c.yaml, c.err = os.ReadFile(path); c.err != nil {
				c.err = fmt.Errorf("lexicon: %w", c.err)
				return
			}
		} else {
			c.file, c.yaml = "default.yaml", defaults.YAML()
		}
		c.lx, c.err = lexicon.Parse(c.file, c.yaml)
	})
	return l.conf
}

// follow makes Lexicon answer with the version active returns, whenever it
// returns one.
func (l *lexiconLoader) follow(active func() *version.Compiled) { l.active.Store(&active) }

// Lexicon is the lexicon in force here.
func (l *lexiconLoader) Lexicon() (*lexicon.Lexicon, error) {
	if f := l.active.Load(); f != nil {
		if c := (*f)(); c != nil {
			return c.Engine.Lexicon(), nil
		}
	}
	c := l.configured()
	return c.lx, c.err
}

// InForce is Lexicon for callers that checked it once already (the
// keyword spotter asks at every utterance): nil only when the configured
// lexicon does not parse and no version is active.
func (l *lexiconLoader) InForce() *lexicon.Lexicon {
	lx, _ := l.Lexicon()
	return lx
}

// Cooldown is the alert sink's per-rule cooldown, from the lexicon in
// force (0: the sink's default).
func (l *lexiconLoader) Cooldown(a alerter.Alert) time.Duration {
	if lx := l.InForce(); lx != nil {
		return lx.Cooldown(a.RuleID)
	}
	return 0
}

// Compile compiles lx, with phone-sequence matching when enabled and the
// pronouncing dictionary is readable. The dictionary is loaded once; each
// lexicon gets its own phonetic index, because an index is filled by
// Compile and must not change under a version still matching live audio.
func (l *lexiconLoader) Compile(lx *lexicon.Lexicon) (*lexicon.Engine, error) {
	l.dictOnce.Do(func() {
		if !l.cfg.Lexicon.Phonetic {
			return
		}
		d, err := phonetic.LoadDict(l.cfg.Recognizer.Sphinx.Dict)
		if err != nil {
			// Text-only deployments may have no dictionary: matching still
			// works on words and stems, just less tolerant of ASR errors.
			l.log.Warn("phonetic matching off: pronouncing dictionary unreadable", "err", err)
			return
		}
		l.dict = d
	})
	var opts lexicon.Options
	if l.dict != nil {
		opts.Phonetic = phonetic.NewIndex(l.dict, phonetic.IndexOptions{})
	}
	return lexicon.Compile(lx, opts)
}

// LoadMatcher loads the configured lexicon (the shipped default when no file
// is named) and compiles it: the matcher of scan, eval and `lexicon test`.
func LoadMatcher(cfg config.Config, log *slog.Logger) (*lexicon.Engine, error) {
	l := newLexiconLoader(cfg, log)
	lx, err := l.Lexicon()
	if err != nil {
		return nil, err
	}
	eng, err := l.Compile(lx)
	if err != nil {
		return nil, fmt.Errorf("compiling lexicon %q: %w", lx.Name, err)
	}
	l.log.Info("lexicon loaded", "name", lx.Name, "rules", len(lx.Rules), "phonetic", l.dict != nil)
	return eng, nil
}
