package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/transcript/store"
)

// openTranscripts opens the transcript store the config names.
func openTranscripts(cfg config.Config, log *slog.Logger) (*store.Store, error) {
	dir := transcriptsDir(cfg)
	st, err := store.Open(store.Options{Dir: dir,
		Retention: time.Duration(cfg.Transcripts.RetentionDays) * 24 * time.Hour, Logger: log,
		Search: searchLimits(cfg.Transcripts.Search)})
	if err != nil {
		return nil, fmt.Errorf("transcripts: %w", err)
	}
	return st, nil
}

// Transcripts is the service's transcript store (search, backtests).
func (s *Service) Transcripts() *store.Store { return s.transcripts }

// closeTranscripts flushes and closes the store; rooms must have drained.
func (s *Service) closeTranscripts(ctx context.Context) {
	if s.transcripts == nil {
		return
	}
	if err := s.transcripts.Close(ctx); err != nil {
		s.log.Warn("closing transcript store", "err", err)
	}
}
