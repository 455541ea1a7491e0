package api

import "time"

// TranscriptRecord is one stored final utterance.
type TranscriptRecord struct {
	// ID is unique and stable: room, session and utterance number.
	ID        string    `json:"id"`
	Room      string    `json:"room"`
	Anchor    string    `json:"anchor,omitempty"`
	Merchant  string    `json:"merchant,omitempty"`
	Session   string    `json:"session"`
	Utterance uint64    `json:"utterance"`
	At        time.Time `json:"at"` // wall time the utterance ended
	// StartMs and EndMs are stream time.
	StartMs    int64       `json:"start_ms"`
	EndMs      int64       `json:"end_ms"`
	Text       string      `json:"text"`
	Lang       string      `json:"lang,omitempty"`
	Recognizer string      `json:"recognizer,omitempty"`
	Confidence float64     `json:"confidence,omitempty"`
	Words      []Word      `json:"words,omitempty"`
	Hits       []RecordHit `json:"hits,omitempty"`
}

// Word is one recognized word with its stream times.
type Word struct {
	Text       string        `json:"text"`
	Start      time.Duration `json:"start_ns"`
	End        time.Duration `json:"end_ns"`
	Confidence float64       `json:"confidence,omitempty"`
}

// RecordHit is a rule hit stored with a transcript.
type RecordHit struct {
	RuleID      string `json:"rule_id"`
	Category    string `json:"category"`
	Severity    string `json:"severity"`
	MatchedText string `json:"matched_text"`
	Via         string `json:"via,omitempty"`
}

// SearchHit is one search result: the record, its score and highlighted
// fragments ("<mark>…</mark>", HTML-escaped) by field.
type SearchHit struct {
	TranscriptRecord
	Score      float64             `json:"score"`
	Highlights map[string][]string `json:"highlights,omitempty"`
}

// FacetTerm is one value of a facet and how many hits have it.
type FacetTerm struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
}

// SearchResponse is GET /v1/transcripts.
type SearchResponse struct {
	Total  uint64                 `json:"total"`
	TookMs float64                `json:"took_ms"`
	Page   int                    `json:"page"`
	Size   int                    `json:"size"`
	Hits   []SearchHit            `json:"hits"`
	Facets map[string][]FacetTerm `json:"facets"`
	// Partial says index nodes holding part of the transcripts did not
	// answer in time: MissingNodes names them, and the hits, total and
	// facets are the other nodes'.
	Partial      bool     `json:"partial,omitempty"`
	MissingNodes []string `json:"missing_nodes,omitempty"`
}

// SearchQuery is the query of GET /v1/transcripts; zero fields are left out.
type SearchQuery struct {
	// Q is bleve query-string syntax: words, "phrases", fuzzy~1,
	// field:value, +must -not; Latin pinyin finds Chinese.
	Q                                                      string
	Rooms, Anchors, Merchants, Categories, Rules, Sessions []string
	From, To                                               time.Time
	// Sort is score, time or -time.
	Sort string
	// Page is from 1; Size 1..100 (server default 20).
	Page, Size int
}

// Timeline is GET /v1/rooms/{room}/timeline: a room's transcript around a
// moment.
type Timeline struct {
	Room    string             `json:"room"`
	At      time.Time          `json:"at"`
	From    time.Time          `json:"from"`
	To      time.Time          `json:"to"`
	Records []TranscriptRecord `json:"records"`
}
