package api

import (
	"net/http"
	"strings"
)

// Access is who may call a route: data, so that the server's guard, the
// authorization matrix test and the README's table read one list. Every
// route that takes a token admits RoleAdmin as well as Roles, except an
// act that is the anchor's own (Own).
type Access struct {
	// Roles are the token roles the route admits (and RoleAdmin).
	Roles []Role
	// Anchor admits an anchor token whose room is the route's {room}.
	Anchor bool
	// RoomAnchor admits every anchor token at the guard, for a route whose
	// path names a resource of a room rather than the room (an alert's
	// appeal): its handler admits only the anchor of that resource's
	// room, which the guard cannot know.
	RoomAnchor bool
	// AnyToken admits every valid token, whatever its role or room (the
	// page sign-in).
	AnyToken bool
	// Open routes take no token: health, the page shells (they carry their
	// own tokens to the routes they call), CORS pre-flights.
	Open bool
	// Session routes are authorized by the unguessable session id in their
	// path (a WHIP session resource, RFC 9725 Section 4.1): whoever created
	// the session was told its URL.
	Session bool
	// Identity routes record the token's subject as the author (audit log,
	// dispositions, revocations): they need a token even when the server
	// runs with http.require_tokens: false.
	Identity bool
	// Own routes are an act only the anchor may make for themself (an
	// appeal, which they may make once per alert): admin is not admitted
	// either, so nobody uses up the anchor's appeal in their name.
	Own bool
}

// The access of the routes that take no token.
var (
	Public     = Access{Open: true}
	SessionURL = Access{Session: true}
)

// Allow admits tokens of roles (and admin).
func Allow(roles ...Role) Access { return Access{Roles: roles} }

// AnchorOr admits the anchor of the path's {room}, and tokens of roles.
func AnchorOr(roles ...Role) Access { return Access{Roles: roles, Anchor: true} }

// ResourceAnchorOr admits the anchor of the room of the path's resource
// (checked by the handler, Access.RoomAnchor), and tokens of roles.
func ResourceAnchorOr(roles ...Role) Access { return Access{Roles: roles, RoomAnchor: true} }

// Owned marks a route only the anchor (and Roles) may call: not admin.
func (a Access) Owned() Access { a.Own = true; return a }

// Recorded marks a routes whose author is the token's subject.
func (a Access) Recorded() Access { a.Identity = true; return a }

// AnyRole admits every valid token; AdminOnly admin tokens only.
var (
	AnyRole   = Access{AnyToken: true}
	AdminOnly = Access{Roles: []Role{RoleAdmin}}
)

// NeedsToken reports whether the route checks a bearer token.
func (a Access) NeedsToken() bool { return !a.Open && !a.Session }

// Admits reports whether a token of role (for tokenRoom, an anchor's room)
// may call the route for pathRoom (the route's {room}, or "").
func (a Access) Admits(role Role, tokenRoom, pathRoom string) bool {
	switch {
	case !a.NeedsToken():
		return true
	case a.AnyToken, role == RoleAdmin && !a.Own:
		return true
	case role == RoleAnchor && a.Anchor:
		return tokenRoom != "" && tokenRoom == pathRoom
	case role == RoleAnchor && a.RoomAnchor:
		return tokenRoom != ""
	}
	for _, r := range a.Roles {
		if r == role && r != RoleAnchor {
			return true
		}
	}
	return false
}

// String is how the README's API table names the access, e.g.
// "anchor of the room, compliance, admin".
func (a Access) String() string {
	switch {
	case a.Open:
		return "public"
	case a.Session:
		return "session URL"
	case a.AnyToken:
		return "any token"
	}
	var parts []string
	if a.Anchor {
		parts = append(parts, "anchor of the room")
	}
	if a.RoomAnchor {
		parts = append(parts, "anchor of the alert's room")
	}
	for _, r := range a.Roles {
		if r != RoleAdmin {
			parts = append(parts, string(r))
		}
	}
	if !a.Own {
		parts = append(parts, string(RoleAdmin))
	}
	return strings.Join(parts, ", ")
}

// Feature names the server option a route needs: the server serves the
// route only when the feature is configured.
type Feature string

// The optional features; the empty Feature is always served.
const (
	FeatureMetrics     Feature = "metrics"
	FeatureTranscripts Feature = "transcripts"
	FeatureLexicons    Feature = "lexicons"
	FeatureWHIP        Feature = "whip"
	FeatureRevocation  Feature = "revocation"
	FeatureCases       Feature = "cases"
	FeatureAppeals     Feature = "appeals"
	// FeatureEscalations: the escalation log (Options.Escalations).
	FeatureEscalations Feature = "escalations"
	FeatureTrust       Feature = "trust"
	FeatureWebhooks    Feature = "webhooks"
	FeatureReports     Feature = "reports"
	FeatureLinks       Feature = "links"
)

// Route is one method and path the server answers.
type Route struct {
	Method string
	// Path is the net/http.ServeMux pattern's path: {name} is one path
	// segment, a trailing / a subtree, {$} the exact path.
	Path    string
	Access  Access
	Feature Feature
	// Body lists the media types (Content-Type without parameters) a
	// request body may have; another or none is refused with 415
	// unsupported_media_type. None of them is a type an HTML form or a
	// "simple" cross-origin fetch may send (text/plain, form encodings),
	// so a page on another origin cannot post here without a CORS
	// pre-flight, which only WHIP answers. Empty: the route reads no body.
	Body    []string
	Summary string
}

// Pattern is the ServeMux pattern, e.g. "GET /v1/rooms/{room}".
func (r Route) Pattern() string { return r.Method + " " + r.Path }

// Routes lists every route the server answers, grouped as the README's API
// section groups them. The server registers its handlers from this table
// and a test fails on a handler without an entry or an entry without a
// handler.
var Routes = []Route{
	{Method: get, Path: "/healthz", Access: Public, Summary: "liveness: {\"status\": \"ok\"} (and warnings, e.g. tokens not required)"},
	{Method: get, Path: "/readyz", Access: Public, Summary: "readiness: every check and why it fails; 503 when one does (Readiness)"},
	{Method: get, Path: "/metrics", Access: Allow(RoleMetrics), Feature: FeatureMetrics, Summary: "Prometheus metrics (public with http.public_metrics)"},

	{Method: get, Path: "/v1/rooms", Access: Allow(RoleIngest, RoleCompliance), Summary: "every room seen since start: state, source, counters (RoomList)"},
	{Method: post, Path: "/v1/rooms", Access: Allow(RoleIngest), Body: BodyJSON, Summary: "register a pulled or WHIP room (RoomSpec -> RoomStatus)"},
	{Method: get, Path: "/v1/rooms/{room}", Access: Allow(RoleIngest, RoleCompliance), Summary: "one room's status (RoomStatus)"},
	{Method: del, Path: "/v1/rooms/{room}", Access: Allow(RoleIngest), Summary: "stop and forget a room after flushing its alerts (RoomRemoved)"},
	{Method: post, Path: "/v1/rooms/{room}/audio", Access: Allow(RoleIngest), Body: BodyWAV, Summary: "monitor an uploaded WAV as the room's audio (AudioAccepted)"},
	{Method: post, Path: "/v1/rooms/{room}/utterances", Access: Allow(RoleIngest), Body: BodyJSON, Summary: "scan text from a platform's own ASR ([]Utterance -> UtterancesResult)"},
	{Method: post, Path: "/v1/rooms/{room}/reports", Access: Allow(RoleViewer).Recorded(), Feature: FeatureReports, Body: BodyJSON, Summary: "a viewer reports a moment of the room's stream: a signal, never a verdict (ReportRequest -> ReportAccepted)"},
	{Method: get, Path: "/v1/rooms/{room}/poll", Access: Allow(RoleViewer, RoleCompliance), Feature: FeatureReports, Summary: "the room's latest poll; counts hidden from viewers until it closes (Poll)"},
	{Method: post, Path: "/v1/rooms/{room}/poll/vote", Access: Allow(RoleViewer).Recorded(), Feature: FeatureReports, Body: BodyJSON, Summary: "a viewer votes in the room's open poll, once (VoteRequest -> Poll)"},
	{Method: get, Path: "/v1/rooms/{room}/timeline", Access: Allow(RoleCompliance), Feature: FeatureTranscripts, Summary: "a room's transcript around ?at= (Timeline)"},

	{Method: get, Path: "/v1/alerts", Access: Allow(RoleCompliance), Summary: "the stored alert log with dispositions (AlertList)"},
	{Method: get, Path: "/v1/alerts/{id}", Access: Allow(RoleCompliance), Summary: "one alert with its disposition history (AlertView)"},
	{Method: post, Path: "/v1/alerts/{id}/disposition", Access: Allow(RoleCompliance).Recorded(), Body: BodyJSON, Summary: "record a reviewer's decision, by the token's subject (DispositionRequest -> Disposition)"},
	{Method: post, Path: "/v1/alerts/{id}/poll", Access: Allow(RoleCompliance).Recorded(), Feature: FeatureReports, Body: BodyJSON, Summary: "open a viewers' poll on the alert in its room, by the token's subject (PollRequest -> Poll)"},
	{Method: post, Path: "/v1/alerts/{id}/poll/close", Access: Allow(RoleCompliance).Recorded(), Feature: FeatureReports, Body: BodyJSON, Summary: "close the alert's poll: viewers see the result (Poll)"},
	{Method: get, Path: "/v1/alerts/{id}/clip", Access: Allow(RoleCompliance), Summary: "the alert's evidence clip (audio/wav)"},

	{Method: post, Path: "/v1/bans", Access: Allow(RoleCompliance).Recorded(), Feature: FeatureLinks, Body: BodyJSON, Summary: "ban or flag an anchor or merchant, by the token's subject (BanRequest -> Ban)"},
	{Method: get, Path: "/v1/bans", Access: Allow(RoleCompliance, RolePolicy), Feature: FeatureLinks, Summary: "the ban list: who, why, who decided, when (BanList)"},
	{Method: del, Path: "/v1/bans", Access: Allow(RoleCompliance).Recorded(), Feature: FeatureLinks, Summary: "lift the ban of ?anchor= or ?merchant= (BanLifted)"},
	{Method: get, Path: "/v1/links", Access: Allow(RoleCompliance, RolePolicy), Feature: FeatureLinks, Summary: "the accounts sharing contact identifiers with ?anchor= or ?merchant=, and how strongly; raw identifiers for compliance only (LinkView)"},
	{Method: get, Path: "/v1/links/benign", Access: Allow(RoleCompliance, RolePolicy), Feature: FeatureLinks, Summary: "identifiers marked benign, which raise nothing (BenignList)"},
	{Method: post, Path: "/v1/links/benign", Access: Allow(RoleCompliance).Recorded(), Feature: FeatureLinks, Body: BodyJSON, Summary: "mark a shared business number benign, by the token's subject (BenignRequest -> Benign)"},
	{Method: del, Path: "/v1/links/benign", Access: Allow(RoleCompliance).Recorded(), Feature: FeatureLinks, Summary: "remove the benign mark of ?hash="},

	{Method: post, Path: "/v1/alerts/{id}/appeal", Access: ResourceAnchorOr().Owned().Recorded(), Feature: FeatureAppeals, Body: BodyJSON, Summary: "the anchor of the alert's room appeals a confirmed alert, once (AppealRequest -> Appeal)"},
	{Method: get, Path: "/v1/appeals", Access: Allow(RoleCompliance), Feature: FeatureAppeals, Summary: "appeals, pending first, ?state= pending, upheld or overturned (AppealList)"},
	{Method: post, Path: "/v1/appeals/{id}/decision", Access: Allow(RoleCompliance).Recorded(), Feature: FeatureAppeals, Body: BodyJSON, Summary: "uphold or overturn an appeal (overturned dismisses the alert), by the token's subject (AppealDecisionRequest -> Appeal)"},

	{Method: get, Path: "/v1/cases", Access: Allow(RoleCompliance), Feature: FeatureCases, Summary: "the case queue: escalated, most severe, oldest first; ?category= ?room= ?anchor= ?merchant= ?assignee= ?state= ?age= ?min_age= ?limit= (CaseList)"},
	{Method: get, Path: "/v1/cases/stats", Access: Allow(RoleCompliance), Feature: FeatureCases, Summary: "decision time (first hit to decision) per category (CaseStats)"},
	{Method: get, Path: "/v1/alerts/{id}/case", Access: Allow(RoleCompliance), Feature: FeatureCases, Summary: "the case the alert is in, with every hit (CaseView)"},
	{Method: get, Path: "/v1/cases/{id}", Access: Allow(RoleCompliance), Feature: FeatureCases, Summary: "one case with every hit: its sentence, evidence clip and disposition (CaseView)"},
	{Method: post, Path: "/v1/cases/{id}/assign", Access: Allow(RoleCompliance).Recorded(), Feature: FeatureCases, Body: BodyJSON, Summary: "assign the case to the token's subject (CaseAssignRequest -> Case)"},
	{Method: post, Path: "/v1/cases/{id}/notes", Access: Allow(RoleCompliance).Recorded(), Feature: FeatureCases, Body: BodyJSON, Summary: "add a note, by the token's subject (CaseNoteRequest -> Case)"},
	{Method: post, Path: "/v1/cases/{id}/decision", Access: Allow(RoleCompliance).Recorded(), Feature: FeatureCases, Body: BodyJSON, Summary: "confirm or dismiss the case: a disposition on each of its alerts (CaseDecisionRequest -> CaseView)"},
	{Method: post, Path: "/v1/cases/decisions", Access: Allow(RoleCompliance).Recorded(), Feature: FeatureCases, Body: BodyJSON, Summary: "decide several cases at once; any unknown id decides none (BulkDecisionRequest -> BulkDecisionResult)"},

	{Method: get, Path: "/v1/escalations", Access: Allow(RoleCompliance), Feature: FeatureEscalations, Summary: "stored escalations, filtered by ?room=, ?level=, ?category=, ?since= (EscalationList)"},

	{Method: get, Path: "/v1/events/alerts", Access: Allow(RoleCompliance), Summary: "Server-Sent Events: new alerts, dispositions and escalations"},
	{Method: get, Path: "/v1/events/rooms/{room}/reminders", Access: AnchorOr(RoleCompliance), Summary: "Server-Sent Events: one room's reminders, escalations and appeal outcomes, for its overlay"},

	{Method: get, Path: "/v1/transcripts", Access: Allow(RoleCompliance), Feature: FeatureTranscripts, Summary: "search stored transcripts (SearchResponse)"},
	{Method: get, Path: "/v1/transcripts/{id}", Access: Allow(RoleCompliance), Feature: FeatureTranscripts, Summary: "one stored utterance (TranscriptRecord)"},

	{Method: get, Path: "/v1/trust/anchors", Access: Allow(RoleCompliance), Feature: FeatureTrust, Summary: "anchors ranked by trust: ?sort= (score, airtime, id), ?order= (asc, desc), ?limit=, ?format=csv (TrustList)"},
	{Method: get, Path: "/v1/trust/anchors/{id}", Access: Allow(RoleCompliance), Feature: FeatureTrust, Summary: "an anchor's trust score, indicators and ?history= days (TrustReport)"},
	{Method: get, Path: "/v1/trust/merchants", Access: Allow(RoleCompliance), Feature: FeatureTrust, Summary: "merchants ranked by trust, as for anchors (TrustList)"},
	{Method: get, Path: "/v1/trust/merchants/{id}", Access: Allow(RoleCompliance), Feature: FeatureTrust, Summary: "a merchant's trust score, indicators and ?history= days (TrustReport)"},

	{Method: get, Path: "/v1/lexicons/schema", Access: Allow(RolePolicy, RoleCompliance, RoleViewer), Summary: "the closed vocabularies the pages list: categories, severities, languages, pattern kinds, room states, pull schemes (LexiconSchema)"},
	{Method: get, Path: "/v1/lexicons/active", Access: Allow(RolePolicy, RoleCompliance), Feature: FeatureLexicons, Summary: "the live version (ActiveLexicon, or YAML with ?format=yaml)"},
	{Method: get, Path: "/v1/lexicons", Access: Allow(RolePolicy, RoleCompliance), Feature: FeatureLexicons, Summary: "every published version (LexiconList)"},
	{Method: get, Path: "/v1/lexicons/audit", Access: Allow(RolePolicy, RoleCompliance), Feature: FeatureLexicons, Summary: "who published, rolled back or was refused, when (AuditLog)"},
	{Method: get, Path: "/v1/lexicons/{version}", Access: Allow(RolePolicy, RoleCompliance), Feature: FeatureLexicons, Summary: "one version (LexiconVersion, or YAML with ?format=yaml)"},
	{Method: get, Path: "/v1/lexicons/{version}/diff", Access: Allow(RolePolicy, RoleCompliance), Feature: FeatureLexicons, Summary: "rules changed from ?against= (default: the previous version) (DiffResult)"},
	{Method: post, Path: "/v1/lexicons/validate", Access: Allow(RolePolicy, RoleCompliance), Feature: FeatureLexicons, Body: BodyDraft, Summary: "validate a draft and diff it against the live version (DraftRequest -> ValidateResult)"},
	{Method: post, Path: "/v1/lexicons/test", Access: Allow(RolePolicy, RoleCompliance), Feature: FeatureLexicons, Body: BodyDraft, Summary: "match a text with a draft or the live version (DraftRequest -> TestResult)"},
	{Method: post, Path: "/v1/lexicons/backtest", Access: Allow(RolePolicy, RoleCompliance), Feature: FeatureLexicons, Body: BodyDraft, Summary: "run a draft over stored transcripts; the report quotes them (DraftRequest -> BacktestReport)"},
	{Method: post, Path: "/v1/lexicons/import", Access: Allow(RolePolicy), Feature: FeatureLexicons, Body: BodyCSV, Summary: "turn a CSV word list (phrase, category, severity, language, reminder, allow) into lexicon YAML"},
	{Method: post, Path: "/v1/lexicons", Access: Allow(RolePolicy).Recorded(), Feature: FeatureLexicons, Body: BodyDraft, Summary: "publish a draft as the next version, by the token's subject (DraftRequest -> LexiconSummary)"},
	{Method: post, Path: "/v1/lexicons/rollback", Access: Allow(RolePolicy).Recorded(), Feature: FeatureLexicons, Body: BodyJSON, Summary: "publish an old version again, by the token's subject (DraftRequest.Version -> LexiconSummary)"},

	{Method: post, Path: "/v1/session", Access: AnyRole.Recorded(), Summary: "sign a page in: the bearer token becomes an HttpOnly, SameSite=Strict cookie (Session)"},
	{Method: get, Path: "/v1/session", Access: AnyRole.Recorded(), Summary: "who the request's token (header or cookie) names (Session)"},
	{Method: del, Path: "/v1/session", Access: Public, Summary: "sign a page out: clear the token cookies"},
	{Method: post, Path: "/v1/tokens/revoke", Access: AdminOnly.Recorded(), Feature: FeatureRevocation, Body: BodyJSON, Summary: "revoke a token by id, or every token of a subject issued until now, on every node (RevokeRequest -> Revocation)"},
	{Method: get, Path: "/v1/tokens/revoked", Access: AdminOnly, Feature: FeatureRevocation, Summary: "the revocation list (RevocationList)"},

	{Method: post, Path: "/v1/webhooks", Access: AdminOnly.Recorded(), Feature: FeatureWebhooks, Body: BodyJSON, Summary: "add a webhook endpoint: url, secret (generated and shown once if left out), events (WebhookRequest -> Webhook)"},
	{Method: get, Path: "/v1/webhooks", Access: AdminOnly, Feature: FeatureWebhooks, Summary: "every webhook endpoint, from the config file and the API; never a secret (WebhookList)"},
	{Method: get, Path: "/v1/webhooks/{id}", Access: AdminOnly, Feature: FeatureWebhooks, Summary: "one webhook endpoint (Webhook)"},
	{Method: del, Path: "/v1/webhooks/{id}", Access: AdminOnly.Recorded(), Feature: FeatureWebhooks, Summary: "remove an API-added endpoint with its queued deliveries (204)"},
	{Method: get, Path: "/v1/webhooks/{id}/deliveries", Access: AdminOnly, Feature: FeatureWebhooks, Summary: "the endpoint's newest ?limit= deliveries: status, attempts, last error, next attempt (DeliveryList)"},
	{Method: get, Path: "/v1/webhooks/{id}/deliveries/{delivery}", Access: AdminOnly, Feature: FeatureWebhooks, Summary: "one delivery (Delivery)"},
	{Method: post, Path: "/v1/webhooks/{id}/deliveries/{delivery}/redeliver", Access: AdminOnly.Recorded(), Feature: FeatureWebhooks, Summary: "send a delivery again, same Earshot-Delivery id, fresh attempts (202, Delivery)"},

	{Method: get, Path: "/{$}", Access: Public, Summary: "the compliance console page"},
	{Method: get, Path: "/lexicon", Access: Public, Summary: "the lexicon editor page"},
	{Method: get, Path: "/trust", Access: Public, Summary: "the trust ledger page"},
	{Method: get, Path: "/links", Access: Public, Feature: FeatureLinks, Summary: "the returning-violators page: ban list, linked accounts, benign identifiers"},
	{Method: get, Path: "/overlay/{room}", Access: Public, Summary: "the anchor's overlay page (an OBS browser source)"},
	{Method: get, Path: "/widget/{room}", Access: Public, Feature: FeatureReports, Summary: "the viewers' embeddable widget: report this moment, vote in the open poll"},
	{Method: get, Path: "/static/", Access: Public, Summary: "the pages' scripts and styles"},

	{Method: post, Path: "/whip/{room}", Access: AnchorOr(RoleIngest), Feature: FeatureWHIP, Body: BodySDP, Summary: "WHIP: publish the room's audio (SDP offer -> answer, RFC 9725)"},
	{Method: opt, Path: "/whip/{room}", Access: Public, Feature: FeatureWHIP, Summary: "WHIP: CORS pre-flight of the endpoint"},
	{Method: patch, Path: "/whip/{room}/{session}", Access: AnchorOr(RoleIngest), Feature: FeatureWHIP, Body: BodyTrickle, Summary: "WHIP: trickle ICE candidates or restart ICE"},
	{Method: del, Path: "/whip/{room}/{session}", Access: SessionURL, Feature: FeatureWHIP, Summary: "WHIP: end the session"},
	{Method: opt, Path: "/whip/{room}/{session}", Access: Public, Feature: FeatureWHIP, Summary: "WHIP: CORS pre-flight of the session"},
}

// The request body types of Routes.
var (
	BodyJSON = []string{"application/json"}
	// BodyDraft: a lexicon draft as JSON, or its raw YAML.
	BodyDraft   = []string{"application/json", "application/yaml", "application/x-yaml", "text/yaml"}
	BodyCSV     = []string{"text/csv"}
	BodyWAV     = []string{"audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave", "application/octet-stream"}
	BodySDP     = []string{"application/sdp"}
	BodyTrickle = []string{"application/trickle-ice-sdpfrag"}
)

const (
	get   = http.MethodGet
	post  = http.MethodPost
	del   = http.MethodDelete
	patch = http.MethodPatch
	opt   = http.MethodOptions
)

// RouteOf returns the route with this method and path pattern.
func RouteOf(method, path string) (Route, bool) {
	for _, r := range Routes {
		if r.Method == method && r.Path == path {
			return r, true
		}
	}
	return Route{}, false
}

// Expand fills a route's {name} segments with values in order, escaping
// each, e.g. Expand("/v1/rooms/{room}", "r1") is "/v1/rooms/r1".
func Expand(path string, values ...string) string {
	var b strings.Builder
	rest := path
	for _, v := range values {
		i := strings.IndexByte(rest, '{')
		j := strings.IndexByte(rest, '}')
		if i < 0 || j < i {
			break
		}
		b.WriteString(rest[:i])
		b.WriteString(escapeSegment(v))
		rest = rest[j+1:]
	}
	b.WriteString(rest)
	return b.String()
}
