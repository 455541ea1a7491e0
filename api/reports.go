package api

import "time"

// ReportRequest is the body of POST /v1/rooms/{room}/reports: a viewer's
// report of a moment of the room's stream.
type ReportRequest struct {
	// AtMs is the moment in the room's stream time (milliseconds, the clock
	// of alerts' start_ms); at most a minute past where the stream is now.
	AtMs int64 `json:"at_ms"`
	// Category is one of the lexicon's categories or "other".
	Category string `json:"category"`
	// Text is optional, at most 280 characters.
	Text string `json:"text,omitempty"`
}

// ReportAccepted answers an accepted report. Reports are signals: a
// report never tells the viewer whether it raised an alert.
type ReportAccepted struct {
	ID       string `json:"id"`
	Room     string `json:"room"`
	AtMs     int64  `json:"at_ms"`
	Category string `json:"category"`
}

// ReportsSummary is what a viewer-reports alert says about its reports
// (Alert.Reports).
type ReportsSummary struct {
	Reports      int              `json:"reports"`
	Reporters    int              `json:"reporters"`
	Weight       float64          `json:"weight"`
	Threshold    float64          `json:"threshold"`
	NewReporters int              `json:"new_reporters"`
	Flooded      int              `json:"flooded,omitempty"`
	FromMs       int64            `json:"from_ms"`
	ToMs         int64            `json:"to_ms"`
	Categories   map[string]int   `json:"categories"`
	Texts        []string         `json:"texts,omitempty"`
	Transcript   []TranscriptLine `json:"transcript,omitempty"`
	Corroborates []string         `json:"corroborates,omitempty"`
}

// TranscriptLine is one stored utterance around a reported moment.
type TranscriptLine struct {
	Utterance uint64 `json:"utterance"`
	StartMs   int64  `json:"start_ms"`
	EndMs     int64  `json:"end_ms"`
	Text      string `json:"text"`
}

// Corroboration is how far viewer reports back an alert
// (AlertView.Corroboration): the compliance queue ranks a corroborated
// detection higher.
type Corroboration struct {
	// Reports counts the distinct reporters whose report fell on the
	// alert's moment; Weight adds up their weights (their records).
	Reports int     `json:"reports"`
	Weight  float64 `json:"weight"`
	// ViewerAlertID is the viewer-reports alert of the same moment, when
	// the reports were a burst.
	ViewerAlertID string `json:"viewer_alert_id,omitempty"`
}

// PollRequest is the body of POST /v1/alerts/{id}/poll; both fields are
// optional (default: "Was this claim true?", yes / no).
type PollRequest struct {
	Question string   `json:"question,omitempty"`
	Options  []string `json:"options,omitempty"`
}

// Poll is a question staff put to a room's viewers about an alert. Viewers
// see Votes and Counts only once it is closed; staff always.
type Poll struct {
	ID       string         `json:"id"`
	AlertID  string         `json:"alert_id"`
	Room     string         `json:"room"`
	Question string         `json:"question"`
	Options  []string       `json:"options"`
	State    string         `json:"state"`
	OpenedBy string         `json:"opened_by"`
	OpenedAt time.Time      `json:"opened_at"`
	ClosedBy string         `json:"closed_by,omitempty"`
	ClosedAt time.Time      `json:"closed_at,omitzero"`
	Votes    int            `json:"votes"`
	Counts   map[string]int `json:"counts,omitempty"`
	// Voted: the viewer asking already voted.
	Voted bool `json:"voted,omitempty"`
}

// VoteRequest is the body of POST /v1/rooms/{room}/poll/vote.
type VoteRequest struct {
	Poll   string `json:"poll"`
	Option string `json:"option"`
}

// RoomReports are a room's viewer-report figures on this node
// (RoomStatus.Reports): the flood breaker shows here.
type RoomReports struct {
	Reports      uint64    `json:"reports"`
	Flooded      uint64    `json:"flooded"`
	Floods       uint64    `json:"floods"`
	Flood        bool      `json:"flood"`
	FloodUntil   time.Time `json:"flood_until,omitzero"`
	NewReporters int       `json:"new_reporters"`
	Alerts       uint64    `json:"alerts"`
}
