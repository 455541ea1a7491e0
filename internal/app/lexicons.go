package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/lexicon/backtest"
	"github.com/earshot/earshot/lexicon/defaults"
	"github.com/earshot/earshot/lexicon/phonetic"
	"github.com/earshot/earshot/lexicon/version"
	"github.com/earshot/earshot/server"
)

// lexicons is this worker's side of the lexicon lifecycle: the version
// store in JetStream, the watcher keeping the compiled active version, and
// the API behind /v1/lexicons (server.LexiconService).
type lexicons struct {
	store   *version.Store
	watcher *version.Watcher
	signer  *auth.Signer
	cancel  context.CancelFunc

	mu           sync.Mutex
	transcripts  backtest.Source
	dispositions backtest.Dispositions
}

var _ server.LexiconService = (*lexicons)(nil)

// startLexicons opens the version bucket, publishes the configured (or
// shipped) lexicon as version 1 if the bucket is empty, and waits until the
// active version is compiled here.
func (s *Service) startLexicons(ctx context.Context) error {
	js, err := jetstream.New(s.nc)
	if err != nil {
		return fmt.Errorf("lexicon versions: %w", err)
	}
	compile := s.lexiconCompiler()
	store, err := version.Open(ctx, js, version.Options{Compile: compile, Logger: s.log})
	if err != nil {
		return err
	}
	file, seed, err := s.seedLexicon()
	if err != nil {
		return err
	}
	if _, err := store.Bootstrap(ctx, file, seed); err != nil {
		return fmt.Errorf("lexicon versions: publishing %s as version 1: %w", file, err)
	}
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	w, err := version.Watch(wctx, store.KV(), version.WatchOptions{Compile: compile, Logger: s.log})
	if err != nil {
		cancel()
		return err
	}
	s.lex = &lexicons{store: store, watcher: w, signer: s.Signer, cancel: cancel}
	s.Matcher = w.Load().Engine
	return nil
}

// seedLexicon is what an empty bucket starts with.
func (s *Service) seedLexicon() (string, []byte, error) {
	if s.cfg.Lexicon.File == "" {
		return "default.yaml", defaults.YAML(), nil
	}
	data, err := os.ReadFile(s.cfg.Lexicon.File)
	if err != nil {
		return "", nil, fmt.Errorf("lexicon: %w", err)
	}
	return filepath.Base(s.cfg.Lexicon.File), data, nil
}

// lexiconCompiler compiles every version against one pronouncing
// dictionary, loaded once: a publish must not reload it. Each version gets
// its own phonetic index, because an index is filled by Compile and must
// not change under the version still matching live audio.
func (s *Service) lexiconCompiler() version.Compiler {
	var dict *phonetic.Dict
	if s.cfg.Lexicon.Phonetic {
		d, err := phonetic.LoadDict(s.cfg.Recognizer.Sphinx.Dict)
		if err != nil {
			s.log.Warn("phonetic matching off: pronouncing dictionary unreadable", "err", err)
		}
		dict = d
	}
	return func(lx *lexicon.Lexicon) (*lexicon.Engine, error) {
		var opts lexicon.Options
		if dict != nil {
			opts.Phonetic = phonetic.NewIndex(dict, phonetic.IndexOptions{})
		}
		return lexicon.Compile(lx, opts)
	}
}

func (l *lexicons) close() {
	if l != nil && l.cancel != nil {
		l.cancel()
	}
}

// lexiconInForce is the lexicon of the version active on this worker, nil
// before the versions are loaded: the keyword spotter follows it.
func (s *Service) lexiconInForce() *lexicon.Lexicon {
	if s.lex == nil {
		return nil
	}
	if c := s.lex.watcher.Load(); c != nil {
		return c.Engine.Lexicon()
	}
	return nil
}

// matcher is the pipeline's MatcherFunc.
func (l *lexicons) matcher() lexicon.Matcher { return l.watcher.Matcher() }

// cooldowns reads per-rule cooldowns from the version in force.
func (l *lexicons) cooldowns(a alerter.Alert) time.Duration {
	c := l.watcher.Load()
	if c == nil {
		return 0
	}
	for _, r := range c.Engine.Lexicon().Rules {
		if r.ID == a.RuleID {
			return r.CooldownDuration
		}
	}
	return 0
}

// SetTranscriptSource wires the transcript store so backtests can run.
func (s *Service) SetTranscriptSource(src backtest.Source) {
	s.lex.mu.Lock()
	defer s.lex.mu.Unlock()
	s.lex.transcripts = src
}

// SetDispositionSource wires reviewers' verdicts into backtests.
func (s *Service) SetDispositionSource(src backtest.Dispositions) {
	s.lex.mu.Lock()
	defer s.lex.mu.Unlock()
	s.lex.dispositions = src
}

// LexiconWatcher is this worker's active-version holder (tests, metrics).
func (s *Service) LexiconWatcher() *version.Watcher { return s.lex.watcher }
