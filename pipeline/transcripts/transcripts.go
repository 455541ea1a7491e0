package transcripts

import (
	"context"
	"strings"
	"time"
	"unicode"

	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript/store"
)

// Adder queues records; *store.Store is one.
type Adder interface{ Add(store.Record) }

// Hook returns the pipeline's OnHypothesis that queues every final,
// non-empty utterance for st, stamped with the wall time now returns.
func Hook(st Adder, now func() time.Time) func(pipeline.Heard, []lexicon.Hit) {
	return func(h pipeline.Heard, hits []lexicon.Hit) {
		if !h.Final || strings.TrimSpace(h.Text) == "" {
			return
		}
		st.Add(Record(h, hits, now()))
	}
}

// Putter queues records, waiting for room; *store.Store is one.
type Putter interface {
	Put(context.Context, store.Record) error
}

// Put is Hook for the index role: it hands every final, non-empty
// utterance to st and waits while st's queue is full, so a backlog is
// slowed down instead of dropped; its error (ctx ended, store closed)
// means the utterance was not queued.
func Put(st Putter, now func() time.Time) func(context.Context, pipeline.Heard, []lexicon.Hit) error {
	return func(ctx context.Context, h pipeline.Heard, hits []lexicon.Hit) error {
		if !h.Final || strings.TrimSpace(h.Text) == "" {
			return nil
		}
		return st.Put(ctx, Record(h, hits, now()))
	}
}

// Record is the stored form of final hypothesis h, heard at wall time at,
// with the hits on it.
func Record(h pipeline.Heard, hits []lexicon.Hit, at time.Time) store.Record {
	r := store.Record{
		ID:   store.RecordID(h.Room.ID, h.Session, h.Utterance),
		Room: h.Room.ID, Anchor: h.Room.Anchor, Merchant: h.Room.Merchant,
		Session: h.Session, Utterance: h.Utterance, At: at.UTC(),
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
