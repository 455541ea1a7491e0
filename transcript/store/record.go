package store

import (
	"time"

	"github.com/earshot/earshot/transcript"
)

// Record is one stored final utterance: what was said in a room, when, and
// which rules fired on it. It is what transcript search returns and what a
// lexicon backtest rescans.
type Record struct {
	// ID is unique and stable: room, session and utterance number.
	ID        string    `json:"id"`
	Room      string    `json:"room"`
	Anchor    string    `json:"anchor,omitempty"`
	Merchant  string    `json:"merchant,omitempty"`
	Session   string    `json:"session"`
	Utterance uint64    `json:"utterance"`
	At        time.Time `json:"at"` // wall time the utterance ended
	// StartMs and EndMs are stream time.
	StartMs    int64             `json:"start_ms"`
	EndMs      int64             `json:"end_ms"`
	Text       string            `json:"text"`
	Lang       string            `json:"lang,omitempty"`
	Recognizer string            `json:"recognizer,omitempty"`
	Confidence float64           `json:"confidence,omitempty"`
	Words      []transcript.Word `json:"words,omitempty"`
	// Hits are the rule hits on the final text.
	Hits []RecordHit `json:"hits,omitempty"`
}

// RecordHit is the part of a lexicon hit worth keeping with a transcript.
type RecordHit struct {
	RuleID      string `json:"rule_id"`
	Category    string `json:"category"`
	Severity    string `json:"severity"`
	MatchedText string `json:"matched_text"`
	Via         string `json:"via,omitempty"`
}
