package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/store"
)

// openTranscripts opens the transcript store the config names.
func openTranscripts(cfg config.Config, log *slog.Logger) (*store.Store, error) {
	dir := cfg.Transcripts.Dir
	if dir == "" {
		dir = filepath.Join(cfg.DataDir, "transcripts")
	}
	st, err := store.Open(store.Options{Dir: dir,
		Retention: time.Duration(cfg.Transcripts.RetentionDays) * 24 * time.Hour, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("transcripts: %w", err)
	}
	return st, nil
}

// Transcripts is the service's transcript store (search, backtests).
func (s *Service) Transcripts() *store.Store { return s.transcripts }

// storeHypothesis is the pipeline's OnHypothesis: it queues final
// utterances for the store. Add never blocks the recognizer.
func (s *Service) storeHypothesis(ses *pipeline.Session, h transcript.Hypothesis, hits []lexicon.Hit) {
	if !h.Final || strings.TrimSpace(h.Text) == "" || s.transcripts == nil {
		return
	}
	s.transcripts.Add(NewRecord(ses, h, hits, time.Now()))
}

// closeTranscripts flushes and closes the store; rooms must have drained.
func (s *Service) closeTranscripts(ctx context.Context) {
	if s.transcripts == nil {
		return
	}
	if err := s.transcripts.Close(ctx); err != nil {
		s.log.Warn("closing transcript store", "err", err)
	}
}

// NewRecord makes the stored form of a final hypothesis heard at wall time
// at in session ses.
func NewRecord(ses *pipeline.Session, h transcript.Hypothesis, hits []lexicon.Hit, at time.Time) store.Record {
	r := store.Record{
		ID:   store.RecordID(ses.Room.ID, ses.ID, h.Utterance),
		Room: ses.Room.ID, Anchor: ses.Room.Anchor, Merchant: ses.Room.Merchant,
		Session: ses.ID, Utterance: h.Utterance, At: at.UTC(),
		StartMs: h.Start.Milliseconds(), EndMs: h.End.Milliseconds(),
		Text: h.Text, Lang: language(h.Text), Recognizer: h.Recognizer, Confidence: h.Confidence, Words: h.Words,
	}
	for _, hit := range hits {
		r.Hits = append(r.Hits, store.RecordHit{RuleID: hit.RuleID, Category: hit.Category,
			Severity: hit.Severity, MatchedText: hit.MatchedText, Via: hit.Via})
	}
	return r
}

// language is a coarse tag for filtering: zh when any Han is present.
func language(text string) string {
	if strings.IndexFunc(text, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0 {
		return "zh"
	}
	return "en"
}
