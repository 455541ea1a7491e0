package alerter

import "time"

// CategoryReturningViolator is the category of an alert that links what an
// anchor or merchant said on air to a banned or flagged account: a contact
// identifier (phone number, WeChat id, ...) that account said before. Such
// an alert is StaffOnly (it reminds nobody): it is a suggestion for compliance
// staff, never a verdict, and the speaker must not be tipped off.
const CategoryReturningViolator = "returning-violator"

// Link is one banned or flagged account a returning-violator alert links
// the speaker to, with the evidence of the earlier mention; the alert's
// own fields (room, times, context, clip) are the new mention's.
type Link struct {
	// Account is the banned or flagged account ("anchor" or "merchant").
	AccountKind string `json:"account_kind"`
	AccountID   string `json:"account_id"`
	// Action is "ban" or "flag"; Reason, By and BannedAt are the ban's.
	Action   string    `json:"action"`
	Reason   string    `json:"reason,omitempty"`
	By       string    `json:"by,omitempty"`
	BannedAt time.Time `json:"banned_at"`
	// IdentifierKind is what the shared identifier is (phone, wechat, ...);
	// IdentifierHash its keyed hash, the key of GET /v1/links.
	IdentifierKind string `json:"identifier_kind"`
	IdentifierHash string `json:"identifier_hash"`
	// Earlier is where the banned account first said it (within the
	// retention), Latest where it last did.
	Earlier Mention `json:"earlier"`
	Latest  Mention `json:"latest"`
	// Mentions counts the banned account's mentions of it.
	Mentions int `json:"mentions"`
}

// Mention is the evidence of one utterance that said an identifier: where,
// when, and the alert (with its clip) that utterance raised, if any.
type Mention struct {
	Room      string    `json:"room"`
	Session   string    `json:"session,omitempty"`
	Utterance uint64    `json:"utterance"`
	At        time.Time `json:"at"`
	StartMs   int64     `json:"start_ms"`
	EndMs     int64     `json:"end_ms"`
	Text      string    `json:"text,omitempty"`
	AlertID   string    `json:"alert_id,omitempty"`
	ClipURL   string    `json:"clip_url,omitempty"`
}
