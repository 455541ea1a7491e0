package api

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// BanRequest is the body of POST /v1/bans: exactly one of Anchor and
// Merchant, and why. Action is "ban" (the default) or "flag" (watch the
// account: its identifiers raise returning-violator alerts too). The
// decider is the token's subject; a "by" is refused.
type BanRequest struct {
	Anchor   string `json:"anchor,omitempty"`
	Merchant string `json:"merchant,omitempty"`
	Reason   string `json:"reason"`
	Action   string `json:"action,omitempty"`
}

// Ban is an account on the ban list.
type Ban struct {
	Kind string `json:"kind"` // anchor or merchant
	ID   string `json:"id"`
	// Anchor or Merchant repeats ID under the key POST /v1/bans took it
	// by, so a ban reads back as it was asked for.
	Anchor   string    `json:"anchor,omitempty"`
	Merchant string    `json:"merchant,omitempty"`
	Action   string    `json:"action"`
	Reason   string    `json:"reason"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// BanList is GET /v1/bans: newest first.
type BanList struct {
	Bans []Ban `json:"bans"`
}

// BanLifted is DELETE /v1/bans?anchor=ID (or ?merchant=ID).
type BanLifted struct {
	Kind   string `json:"kind"`
	ID     string `json:"id"`
	Lifted bool   `json:"lifted"`
}

// MentionEvidence is one utterance that said an identifier.
type MentionEvidence struct {
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

// Identifier is one contact identifier an account said. Value (the
// identifier itself) and the evidence's Text are shown to compliance
// tokens only; other roles see the keyed hash.
type Identifier struct {
	Hash     string          `json:"hash"`
	Kind     string          `json:"kind"`
	Value    string          `json:"value,omitempty"`
	Mentions int             `json:"mentions"`
	First    MentionEvidence `json:"first"`
	Last     MentionEvidence `json:"last"`
}

// SharedIdentifier is an identifier two accounts both said: Mine is the
// viewed account's record, Theirs the linked account's.
type SharedIdentifier struct {
	Hash   string     `json:"hash"`
	Kind   string     `json:"kind"`
	Value  string     `json:"value,omitempty"`
	Mine   Identifier `json:"mine"`
	Theirs Identifier `json:"theirs"`
}

// LinkedAccount is an account sharing identifiers with the viewed one.
// Strength is 1 - Π(1 - w) over the shared identifiers (w: 0.8 numbers,
// messenger ids and e-mail; 0.6 handles; 0.5 web addresses): a
// suggestion for a reviewer, never a verdict.
type LinkedAccount struct {
	Kind     string             `json:"kind"`
	ID       string             `json:"id"`
	Ban      *Ban               `json:"ban,omitempty"`
	Strength float64            `json:"strength"`
	Shared   []SharedIdentifier `json:"shared"`
}

// LinkView is GET /v1/links?anchor=ID (or ?merchant=ID).
type LinkView struct {
	Kind        string          `json:"kind"`
	ID          string          `json:"id"`
	Ban         *Ban            `json:"ban,omitempty"`
	Identifiers []Identifier    `json:"identifiers"`
	Linked      []LinkedAccount `json:"linked"`
	// RawValues says whether Value fields are filled (compliance tokens).
	RawValues bool `json:"raw_values"`
}

// BenignRequest is the body of POST /v1/links/benign: the identifier as
// typed (Value, normalized as on air: "400-820-8820") or its Hash from a
// links view, and a note (whose number it is).
type BenignRequest struct {
	Value string `json:"value,omitempty"`
	Hash  string `json:"hash,omitempty"`
	Note  string `json:"note,omitempty"`
}

// Benign is an identifier marked benign: it raises nothing.
type Benign struct {
	Hash string    `json:"hash"`
	Note string    `json:"note,omitempty"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

// BenignList is GET /v1/links/benign.
type BenignList struct {
	Benign []Benign `json:"benign"`
}

// MaxBanReason bounds a ban's reason and a benign mark's note, in bytes.
const MaxBanReason = 1000

// AddBan bans or flags an account (POST /v1/bans).
func (c *Client) AddBan(ctx context.Context, req BanRequest) (Ban, error) {
	var b Ban
	return b, c.sendJSON(ctx, http.MethodPost, "/v1/bans", nil, req, &b)
}

// Bans lists the ban list (GET /v1/bans).
func (c *Client) Bans(ctx context.Context) ([]Ban, error) {
	var l BanList
	return l.Bans, c.getJSON(ctx, "/v1/bans", nil, &l)
}

// LiftBan lifts a ban (DELETE /v1/bans?kind=id); kind is anchor or merchant.
func (c *Client) LiftBan(ctx context.Context, kind, id string) (BanLifted, error) {
	var out BanLifted
	return out, c.do(ctx, request{method: http.MethodDelete, path: "/v1/bans", query: url.Values{kind: {id}}, out: &out})
}

// Links shows which accounts share identifiers with one (GET /v1/links).
func (c *Client) Links(ctx context.Context, kind, id string) (LinkView, error) {
	var v LinkView
	return v, c.getJSON(ctx, "/v1/links", url.Values{kind: {id}}, &v)
}

// MarkBenign marks an identifier benign (POST /v1/links/benign).
func (c *Client) MarkBenign(ctx context.Context, req BenignRequest) (Benign, error) {
	var b Benign
	return b, c.sendJSON(ctx, http.MethodPost, "/v1/links/benign", nil, req, &b)
}

// AlertLink is one banned or flagged account a returning-violator alert
// links the speaker to.
type AlertLink struct {
	AccountKind    string          `json:"account_kind"`
	AccountID      string          `json:"account_id"`
	Action         string          `json:"action"`
	Reason         string          `json:"reason,omitempty"`
	By             string          `json:"by,omitempty"`
	BannedAt       time.Time       `json:"banned_at"`
	IdentifierKind string          `json:"identifier_kind"`
	IdentifierHash string          `json:"identifier_hash"`
	Earlier        MentionEvidence `json:"earlier"`
	Latest         MentionEvidence `json:"latest"`
	Mentions       int             `json:"mentions"`
}
