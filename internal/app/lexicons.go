package app

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/earshot/earshot/cluster/search"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/lexicon/backtest"
	"github.com/earshot/earshot/lexicon/version"
	"github.com/earshot/earshot/server"
)

// lexicons is this worker's side of the lexicon lifecycle: the version
// store in JetStream, the watcher keeping the compiled active version, and
// the API behind /v1/lexicons (server.LexiconService).
type lexicons struct {
	store   *version.Store
	watcher *version.Watcher
	keys    *version.Keys
	tokens  *auth.Checker
	cancel  context.CancelFunc

	mu           sync.Mutex
	transcripts  backtest.Source
	dispositions backtest.Dispositions
	// cluster runs backtests over every index node's share (an api node;
	// backtest_cluster.go); nil: over transcripts, this node's store.
	cluster *search.Fanout
}

var _ server.LexiconService = (*lexicons)(nil)

// startLexicons opens the version bucket, publishes the configured (or
// shipped) lexicon as version 1 if the bucket is empty, waits until the
// active version is compiled here, and makes the loader follow it.
func (s *Service) startLexicons(ctx context.Context) error {
	js, err := s.jetStream()
	if err != nil {
		return fmt.Errorf("lexicon versions: %w", err)
	}
	keys, created, err := s.lexiconKeys(ctx, js) // lexicon_keys.go
	if err != nil {
		return err
	}
	store, err := version.Open(ctx, js, version.Options{Compile: s.lexLoader.Compile, Logger: s.log, Keys: keys,
		MaxBytes: s.bounds.lexicon, MaxDropShare: s.cfg.Lexicon.MaxDropShare, Replicas: s.cfg.Cluster.Replicas})
	if err != nil {
		return err
	}
	if created { // versions from before signing: sign the active one now, once
		if v, ok, err := store.AdoptUnsigned(ctx); err != nil {
			s.log.Error("lexicon: the unsigned active version was not adopted", "err", err)
		} else if ok {
			s.log.Warn("lexicon: signed the active version published before versions were signed", "version", v.Number)
		}
	}
	seed := s.lexLoader.configured()
	if seed.err != nil {
		return seed.err
	}
	if _, err := store.Bootstrap(ctx, seed.file, seed.yaml); errors.Is(err, version.ErrRefused) {
		// The watcher runs the newest signed version; the next publish
		// replaces the forgery.
		s.log.Error("lexicon: the active version is not signed by a trusted key", "err", err)
	} else if err != nil {
		return fmt.Errorf("lexicon versions: publishing %s as version 1: %w", seed.file, err)
	}
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	w, err := version.Watch(wctx, store.KV(), version.WatchOptions{Compile: s.lexLoader.Compile, Logger: s.log, Keys: keys})
	if err != nil {
		cancel()
		return err
	}
	s.lex = &lexicons{store: store, watcher: w, keys: keys, tokens: s.tokens, cancel: cancel}
	s.lexLoader.follow(w.Load)
	return nil
}

func (l *lexicons) close() {
	if l != nil && l.cancel != nil {
		l.cancel()
	}
}

// matcher is the pipeline's MatcherFunc.
func (l *lexicons) matcher() lexicon.Matcher { return l.watcher.Matcher() }

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
