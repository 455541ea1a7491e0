package alerter

import "time"

// The workflow's events besides alerts and reminders: what the scan role
// and the compliance workflow publish so that webhooks, the trust ledger,
// the console and the overlay all read one record of what happened. Every
// subject below is captured by the JetStream stream EventStream (natsink
// EnsureEvents), so a consumer that was away reads what it missed; the
// publisher still publishes on core NATS, and the overlay's and console's
// live feeds subscribe to the same subjects.
const (
	// EventStream stores reminders, escalations, heeded reminders,
	// dispositions, appeals and viewer reports (EventSubjects).
	EventStream = "EARSHOT_EVENTS"
	// EscalationSubjectPrefix: earshot.escalation.<room>, Escalation JSON.
	EscalationSubjectPrefix = "earshot.escalation"
	// HeededSubjectPrefix: earshot.heeded.<room>, Heeded JSON.
	HeededSubjectPrefix = "earshot.heeded"
	// AppealSubjectPrefix: earshot.appeal.<room>, Appeal JSON (filed and
	// decided).
	AppealSubjectPrefix = "earshot.appeal"
	// DispositionSubjectPrefix is disposition.SubjectPrefix:
	// earshot.disposition.<category>.<room>.
	DispositionSubjectPrefix = "earshot.disposition"
	// ReportSubjectPrefix: earshot.report.<room>, Report JSON: a viewer's
	// report of a moment of the room's stream, once accepted.
	ReportSubjectPrefix = "earshot.report"
	// TrustSubjectPrefix: earshot.trust.<merchant>, a merchant's trust
	// score when it changes (not stored in EventStream: the ledger is).
	TrustSubjectPrefix = "earshot.trust"
)

// EventSubjects are EventStream's subject filters.
var EventSubjects = []string{
	RoomSubjectPrefix + ".*.reminder",
	EscalationSubjectPrefix + ".*",
	HeededSubjectPrefix + ".*",
	DispositionSubjectPrefix + ".*.*",
	AppealSubjectPrefix + ".*",
	ReportSubjectPrefix + ".*",
}

// EscalationSubject is earshot.escalation.<room>. It does not validate.
func EscalationSubject(room string) string { return EscalationSubjectPrefix + "." + room }

// HeededSubject is earshot.heeded.<room>. It does not validate.
func HeededSubject(room string) string { return HeededSubjectPrefix + "." + room }

// AppealSubject is earshot.appeal.<room>. It does not validate.
func AppealSubject(room string) string { return AppealSubjectPrefix + "." + room }

// ReportSubject is earshot.report.<room>. It does not validate.
func ReportSubject(room string) string { return ReportSubjectPrefix + "." + room }

// TrustSubject is earshot.trust.<merchant>. It does not validate.
func TrustSubject(merchant string) string { return TrustSubjectPrefix + "." + merchant }

// Escalation levels: earshot suggests, the platform decides; earshot
// never cuts a stream itself.
const (
	// LevelStaff puts a compliance alert at the top of staff's queue.
	LevelStaff = "staff"
	// LevelStopSuggested tells the platform the anchor kept on after
	// repeated reminders and staff escalation.
	LevelStopSuggested = "stop_suggested"
)

// Escalation is published on earshot.escalation.<room> when the same
// anchor was reminded of the same rule Count times within Window.
type Escalation struct {
	Schema   int       `json:"schema"`
	ID       string    `json:"id"`
	At       time.Time `json:"at"`
	Room     string    `json:"room"`
	Anchor   string    `json:"anchor,omitempty"`
	Merchant string    `json:"merchant,omitempty"`
	Session  string    `json:"session,omitempty"`
	Level    string    `json:"level"`
	RuleID   string    `json:"rule_id"`
	Category string    `json:"category"`
	Severity string    `json:"severity"`
	// Count reminders of RuleID within WindowSeconds raised this level.
	Count         int `json:"count"`
	WindowSeconds int `json:"window_seconds"`
	// AlertIDs are the alerts of those reminders, oldest first; the last
	// one is the alert that crossed the level.
	AlertIDs []string `json:"alert_ids"`
	// Text is what the overlay shows the anchor.
	Text string `json:"text,omitempty"`
}

// Heeded is published on earshot.heeded.<room> when a reminder's rule was
// not broken again in the room within the window after it: the anchor
// took the reminder to heart (a trust-ledger indicator).
type Heeded struct {
	Schema   int       `json:"schema"`
	At       time.Time `json:"at"`
	Room     string    `json:"room"`
	Anchor   string    `json:"anchor,omitempty"`
	Merchant string    `json:"merchant,omitempty"`
	AlertID  string    `json:"alert_id"`
	RuleID   string    `json:"rule_id"`
	Category string    `json:"category"`
	// RemindedAt is when the reminder went out; WindowSeconds how long the
	// rule then stayed unbroken.
	RemindedAt    time.Time `json:"reminded_at"`
	WindowSeconds int       `json:"window_seconds"`
}

// Appeal states.
const (
	AppealPending = "pending"
	// AppealUpheld: staff keep the confirmed decision (the anchor lost).
	AppealUpheld = "upheld"
	// AppealOverturned: staff reverse it (the anchor won).
	AppealOverturned = "overturned"
)

// Appeal is an anchor's appeal of a confirmed alert, published on
// earshot.appeal.<room> when filed and again when decided.
type Appeal struct {
	Schema   int       `json:"schema"`
	ID       string    `json:"id"`
	AlertID  string    `json:"alert_id"`
	Room     string    `json:"room"`
	Anchor   string    `json:"anchor,omitempty"`
	Merchant string    `json:"merchant,omitempty"`
	Category string    `json:"category"`
	RuleID   string    `json:"rule_id"`
	Reason   string    `json:"reason"`
	At       time.Time `json:"at"`
	State    string    `json:"state"`
	// DecidedBy, DecidedAt and Note are set once staff decide.
	DecidedBy string    `json:"decided_by,omitempty"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
	Note      string    `json:"note,omitempty"`
}

// CategoryViewerReports is the category (and rule id) of the alert a
// burst of independent viewer reports about one moment raises.
const CategoryViewerReports = "viewer-reports"

// Report is a viewer's report of a moment of a room's stream, published on
// earshot.report.<room> once validated, rate-limited and deduplicated.
// Reports are signals, never verdicts: the report stage weighs them by
// their reporters' records and raises a viewer-reports alert only for a
// burst of independent ones (docs/reports.md).
type Report struct {
	Schema int    `json:"schema"`
	ID     string `json:"id"`
	// At is when earshot accepted the report.
	At       time.Time `json:"at"`
	Room     string    `json:"room"`
	Anchor   string    `json:"anchor,omitempty"`
	Merchant string    `json:"merchant,omitempty"`
	// Session is the room's stream session the moment belongs to, when
	// known.
	Session string `json:"session,omitempty"`
	// AtMs is the reported moment in the room's stream time (the alerts'
	// start_ms clock).
	AtMs     int64  `json:"at_ms"`
	Category string `json:"category"`
	Text     string `json:"text,omitempty"`
	// Reporter is a hash of the viewer id, never the id itself: the same
	// viewer always has the same reporter hash.
	Reporter string `json:"reporter"`
	// Weight is what the reporter's record made the report weigh when it
	// was accepted; New says the reporter had too few decided reports for
	// a record (they weigh the prior).
	Weight float64 `json:"weight"`
	New    bool    `json:"new,omitempty"`
	// Flood says the room's report-flood breaker was tripped: the report
	// is kept, but new reporters weigh nothing until the flood is over.
	Flood bool `json:"flood,omitempty"`
	// Corroborates lists the stored rule alerts of the room whose moment
	// the report falls on (a detection the report corroborates).
	Corroborates []string `json:"corroborates,omitempty"`
}

// ReportsSummary is what a viewer-reports alert says about its reports.
type ReportsSummary struct {
	// Reports and Reporters count the reports of the burst and their
	// distinct reporters; Weight is their weighted sum, Threshold the
	// weight an alert needs.
	Reports   int     `json:"reports"`
	Reporters int     `json:"reporters"`
	Weight    float64 `json:"weight"`
	Threshold float64 `json:"threshold"`
	// NewReporters counts reporters without a record (prior weight);
	// Flooded the reports the flood breaker kept out of the weight.
	NewReporters int `json:"new_reporters"`
	Flooded      int `json:"flooded,omitempty"`
	// FromMs and ToMs span the reported moments (stream time).
	FromMs int64 `json:"from_ms"`
	ToMs   int64 `json:"to_ms"`
	// Categories counts the reports per category.
	Categories map[string]int `json:"categories"`
	// Texts are some of the reporters' own words (bounded).
	Texts []string `json:"texts,omitempty"`
	// Transcript is what the room's transcript store holds around the
	// moment, oldest first.
	Transcript []TranscriptLine `json:"transcript,omitempty"`
	// Corroborates lists rule alerts at the same moment.
	Corroborates []string `json:"corroborates,omitempty"`
}

// TranscriptLine is one stored utterance around a reported moment.
type TranscriptLine struct {
	Utterance uint64 `json:"utterance"`
	StartMs   int64  `json:"start_ms"`
	EndMs     int64  `json:"end_ms"`
	Text      string `json:"text"`
}
