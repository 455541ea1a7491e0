package api

import "time"

// EventAppeal is the reminder feed's event of an appeal filed or decided
// (Appeal), for the anchor's overlay.
const EventAppeal = "appeal"

// Case is one anchor's run of hits in one session that staff review as one
// item: GET /v1/cases lists them without Hits.
type Case struct {
	ID       string    `json:"id"`
	Room     string    `json:"room"`
	Anchor   string    `json:"anchor,omitempty"`
	Merchant string    `json:"merchant,omitempty"`
	Session  string    `json:"session,omitempty"`
	FirstAt  time.Time `json:"first_at"`
	LastAt   time.Time `json:"last_at"`
	// Severity is the most severe hit's; Categories every category hit.
	Severity   string   `json:"severity"`
	Categories []string `json:"categories"`
	// Escalation is the highest level raised on its alerts: "staff",
	// "stop_suggested" or "".
	Escalation string `json:"escalation,omitempty"`
	// Corroboration: viewers reported the moments of its alerts (distinct
	// reporters and their weight); the queue ranks it above an
	// uncorroborated case of the same escalation and severity.
	Corroboration *Corroboration `json:"corroboration,omitempty"`
	HitCount      int            `json:"hit_count"`
	// State is open, confirmed or dismissed.
	State        string     `json:"state"`
	Assignee     string     `json:"assignee,omitempty"`
	AssignedAt   time.Time  `json:"assigned_at,omitzero"`
	Notes        []CaseNote `json:"notes,omitempty"`
	DecidedBy    string     `json:"decided_by,omitempty"`
	DecidedAt    time.Time  `json:"decided_at,omitzero"`
	DecisionNote string     `json:"decision_note,omitempty"`
	// WaitingSeconds is how long it has waited (open) or took (decided)
	// since its first hit.
	WaitingSeconds float64 `json:"waiting_seconds"`
}

// CaseNote is a reviewer's note.
type CaseNote struct {
	By   string    `json:"by"`
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// CaseHit is one alert of a case with its evidence.
type CaseHit struct {
	AlertID     string    `json:"alert_id"`
	At          time.Time `json:"at"`
	RuleID      string    `json:"rule_id"`
	Category    string    `json:"category"`
	Severity    string    `json:"severity"`
	Reminder    string    `json:"reminder,omitempty"`
	MatchedText string    `json:"matched_text"`
	// Context is the sentence.
	Context   string `json:"context"`
	Utterance uint64 `json:"utterance"`
	StartMs   int64  `json:"start_ms"`
	EndMs     int64  `json:"end_ms"`
	// ClipURL is the evidence clip's path (GET /v1/alerts/{id}/clip).
	ClipURL string   `json:"clip_url,omitempty"`
	Rules   []string `json:"rules,omitempty"`
	// Disposition is the alert's newest decision; Appeal its appeal.
	Disposition *Disposition `json:"disposition,omitempty"`
	Appeal      *Appeal      `json:"appeal,omitempty"`
}

// CaseView is GET /v1/cases/{id}: the case with every hit, oldest first.
type CaseView struct {
	Case
	Hits []CaseHit `json:"hits"`
}

// CaseList is GET /v1/cases: the first ?limit= cases of the queue and how
// many matched.
type CaseList struct {
	Cases []Case `json:"cases"`
	Total int    `json:"total"`
	// WindowSeconds is the grouping window: a hit joins its anchor's case
	// when it follows the case's last hit by at most this much.
	WindowSeconds int `json:"window_seconds"`
}

// CaseQuery filters GET /v1/cases; zero fields do not filter.
type CaseQuery struct {
	Category, Room, Anchor, Merchant, Assignee string
	// State: open, assigned, unassigned, decided, confirmed, dismissed.
	State string
	// Age keeps cases whose first hit is at most this old; MinAge those
	// waiting at least this long.
	Age, MinAge time.Duration
	Limit       int
}

// CaseAssignRequest is POST /v1/cases/{id}/assign: the case goes to the
// token's subject ("assign to me"); the body is {}.
type CaseAssignRequest struct{}

// CaseNoteRequest is POST /v1/cases/{id}/notes.
type CaseNoteRequest struct {
	Text string `json:"text"`
}

// CaseDecisionRequest is POST /v1/cases/{id}/decision: "confirmed" or
// "dismissed", recorded on each of the case's alerts as a disposition.
type CaseDecisionRequest struct {
	Decision string `json:"decision"`
	Note     string `json:"note,omitempty"`
}

// BulkDecisionRequest is POST /v1/cases/decisions.
type BulkDecisionRequest struct {
	IDs      []string `json:"ids"`
	Decision string   `json:"decision"`
	Note     string   `json:"note,omitempty"`
}

// MaxBulkCases bounds the ids of one bulk decision.
const MaxBulkCases = 200

// BulkDecisionResult lists the decided cases; Skipped those that were
// decided already (by someone else), untouched.
type BulkDecisionResult struct {
	Decided []Case   `json:"decided"`
	Skipped []string `json:"skipped,omitempty"`
}

// CaseStats is GET /v1/cases/stats: per category (a case counts under each
// category it hit), how many cases are open and decided, and how long the
// decided ones took from first hit to decision.
type CaseStats struct {
	Categories []CategoryCaseStats `json:"categories"`
}

// CategoryCaseStats is one category's decision times.
type CategoryCaseStats struct {
	Category    string  `json:"category"`
	Open        int     `json:"open"`
	Confirmed   int     `json:"confirmed"`
	Dismissed   int     `json:"dismissed"`
	MeanSeconds float64 `json:"mean_seconds"`
	P50Seconds  float64 `json:"p50_seconds"`
	P90Seconds  float64 `json:"p90_seconds"`
	MaxSeconds  float64 `json:"max_seconds"`
}

// Appeal is an anchor's appeal of a confirmed alert (the NATS message on
// earshot.appeal.<room> has the same fields). Its id is the alert's.
type Appeal struct {
	Schema    int       `json:"schema"`
	ID        string    `json:"id"`
	AlertID   string    `json:"alert_id"`
	Room      string    `json:"room"`
	Anchor    string    `json:"anchor,omitempty"`
	Merchant  string    `json:"merchant,omitempty"`
	Category  string    `json:"category"`
	RuleID    string    `json:"rule_id"`
	Reason    string    `json:"reason"`
	At        time.Time `json:"at"`
	State     string    `json:"state"`
	DecidedBy string    `json:"decided_by,omitempty"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
	Note      string    `json:"note,omitempty"`
}

// AppealRequest is POST /v1/alerts/{id}/appeal, with the anchor token of
// the alert's room.
type AppealRequest struct {
	Reason string `json:"reason"`
}

// AppealDecisionRequest is POST /v1/appeals/{id}/decision: "upheld" keeps
// the confirmed decision, "overturned" dismisses the alert.
type AppealDecisionRequest struct {
	Outcome string `json:"outcome"`
	Note    string `json:"note,omitempty"`
}

// AppealList is GET /v1/appeals, pending first, then oldest first.
type AppealList struct {
	Appeals []Appeal `json:"appeals"`
}
