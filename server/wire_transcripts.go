package server

import (
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/store"
)

func wireRecord(r store.Record) api.TranscriptRecord {
	out := api.TranscriptRecord{
		ID: r.ID, Room: r.Room, Anchor: r.Anchor, Merchant: r.Merchant, Session: r.Session, Utterance: r.Utterance,
		At: r.At, StartMs: r.StartMs, EndMs: r.EndMs, Text: r.Text, Lang: r.Lang, Recognizer: r.Recognizer,
		Confidence: r.Confidence,
		Words: each(r.Words, func(w transcript.Word) api.Word {
			return api.Word{Text: w.Text, Start: w.Start, End: w.End, Confidence: w.Confidence}
		}),
		Hits: each(r.Hits, func(h store.RecordHit) api.RecordHit {
			return api.RecordHit{RuleID: h.RuleID, Category: h.Category, Severity: h.Severity, MatchedText: h.MatchedText, Via: h.Via}
		}),
	}
	return out
}

func wireSearchHit(h store.Hit) api.SearchHit {
	return api.SearchHit{TranscriptRecord: wireRecord(h.Record), Score: h.Score, Highlights: h.Highlights}
}

func wireFacets(fs map[string][]store.FacetTerm) map[string][]api.FacetTerm {
	if fs == nil {
		return nil
	}
	out := make(map[string][]api.FacetTerm, len(fs))
	for k, terms := range fs {
		out[k] = each(terms, func(t store.FacetTerm) api.FacetTerm { return api.FacetTerm{Term: t.Term, Count: t.Count} })
	}
	return out
}
