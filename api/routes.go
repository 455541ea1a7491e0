package api

import (
	"net/http"
	"strings"
)

// Access is who may call a route, as the server checks it today. The
// authorization tests iterate Routes and assert each route refuses what its
// Access refuses.
type Access string

// The access levels.
const (
	// Public routes take no token: health, metrics and the pages (which
	// carry their own tokens to the routes they call).
	Public Access = "public"
	// AnyStaff routes take a compliance or policy token when the server
	// runs with http.require_tokens (EARSHOT_REQUIRE_TOKENS=1); without it
	// they are open, for platforms that call them from inside their own
	// network. The room registry, uploads and text feeds, the alert log,
	// transcripts, and the lexicon reads and draft checks are AnyStaff.
	AnyStaff Access = "any-staff"
	// Compliance routes always need a compliance token (earshot token
	// --role compliance).
	Compliance Access = "compliance"
	// Policy routes always need a policy token (earshot token --role
	// policy), sent as Authorization: Bearer.
	Policy Access = "policy"
	// AnchorOfRoom routes need a token for the {room} of the path (earshot
	// token --room R); compliance tokens open every room.
	AnchorOfRoom Access = "anchor-of-room"
	// SessionURL routes are authorized by the unguessable session id in
	// their path (a WHIP session resource, RFC 9725 Section 4.1): whoever
	// created the session was told its URL.
	SessionURL Access = "session-url"
)

// Accesses lists every Access, for tests that iterate them.
var Accesses = []Access{Public, AnyStaff, Compliance, Policy, AnchorOfRoom, SessionURL}

// Feature names the server option a route needs: the server serves the
// route only when the feature is configured.
type Feature string

// The optional features; the empty Feature is always served.
const (
	FeatureMetrics     Feature = "metrics"
	FeatureTranscripts Feature = "transcripts"
	FeatureLexicons    Feature = "lexicons"
	FeatureWHIP        Feature = "whip"
)

// Route is one method and path the server answers.
type Route struct {
	Method string
	// Path is the net/http.ServeMux pattern's path: {name} is one path
	// segment, a trailing / a subtree, {$} the exact path.
	Path    string
	Access  Access
	Feature Feature
	// QueryToken: the token may come as ?token= as well as in the
	// Authorization header, for clients that cannot set headers
	// (EventSource, <audio>, the pages' links).
	QueryToken bool
	Summary    string
}

// Pattern is the ServeMux pattern, e.g. "GET /v1/rooms/{room}".
func (r Route) Pattern() string { return r.Method + " " + r.Path }

// Routes lists every route the server answers, grouped as the README's API
// section groups them. The server registers its handlers from this table
// and a test fails on a handler without an entry or an entry without a
// handler.
var Routes = []Route{
	{Method: get, Path: "/healthz", Access: Public, Summary: "liveness: {\"status\": \"ok\"}"},
	{Method: get, Path: "/readyz", Access: Public, Summary: "readiness: every check and why it fails; 503 when one does (Readiness)"},
	{Method: get, Path: "/metrics", Access: Public, Feature: FeatureMetrics, Summary: "Prometheus metrics"},

	{Method: get, Path: "/v1/rooms", Access: AnyStaff, QueryToken: true, Summary: "every room seen since start: state, source, counters (RoomList)"},
	{Method: post, Path: "/v1/rooms", Access: AnyStaff, QueryToken: true, Summary: "register a pulled or WHIP room (RoomSpec -> RoomStatus)"},
	{Method: get, Path: "/v1/rooms/{room}", Access: AnyStaff, QueryToken: true, Summary: "one room's status (RoomStatus)"},
	{Method: del, Path: "/v1/rooms/{room}", Access: AnyStaff, QueryToken: true, Summary: "stop and forget a room after flushing its alerts (RoomRemoved)"},
	{Method: post, Path: "/v1/rooms/{room}/audio", Access: AnyStaff, QueryToken: true, Summary: "monitor an uploaded WAV as the room's audio (AudioAccepted)"},
	{Method: post, Path: "/v1/rooms/{room}/utterances", Access: AnyStaff, QueryToken: true, Summary: "scan text from a platform's own ASR ([]Utterance -> UtterancesResult)"},
	{Method: get, Path: "/v1/rooms/{room}/timeline", Access: AnyStaff, QueryToken: true, Feature: FeatureTranscripts, Summary: "a room's transcript around ?at= (Timeline)"},

	{Method: get, Path: "/v1/alerts", Access: AnyStaff, QueryToken: true, Summary: "the stored alert log with dispositions (AlertList)"},
	{Method: get, Path: "/v1/alerts/{id}", Access: Compliance, QueryToken: true, Summary: "one alert with its disposition history (AlertView)"},
	{Method: post, Path: "/v1/alerts/{id}/disposition", Access: Compliance, QueryToken: true, Summary: "record a reviewer's decision (DispositionRequest -> Disposition)"},
	{Method: get, Path: "/v1/alerts/{id}/clip", Access: AnyStaff, QueryToken: true, Summary: "the alert's evidence clip (audio/wav)"},

	{Method: get, Path: "/v1/events/alerts", Access: Compliance, QueryToken: true, Summary: "Server-Sent Events: new alerts and dispositions"},
	{Method: get, Path: "/v1/events/rooms/{room}/reminders", Access: AnchorOfRoom, QueryToken: true, Summary: "Server-Sent Events: one room's reminders, for its overlay"},

	{Method: get, Path: "/v1/transcripts", Access: AnyStaff, QueryToken: true, Feature: FeatureTranscripts, Summary: "search stored transcripts (SearchResponse)"},
	{Method: get, Path: "/v1/transcripts/{id}", Access: AnyStaff, QueryToken: true, Feature: FeatureTranscripts, Summary: "one stored utterance (TranscriptRecord)"},

	{Method: get, Path: "/v1/lexicons/active", Access: AnyStaff, QueryToken: true, Feature: FeatureLexicons, Summary: "the live version (ActiveLexicon, or YAML with ?format=yaml)"},
	{Method: get, Path: "/v1/lexicons", Access: AnyStaff, QueryToken: true, Feature: FeatureLexicons, Summary: "every published version (LexiconList)"},
	{Method: get, Path: "/v1/lexicons/audit", Access: AnyStaff, QueryToken: true, Feature: FeatureLexicons, Summary: "who published, rolled back or was refused, when (AuditLog)"},
	{Method: get, Path: "/v1/lexicons/{version}", Access: AnyStaff, QueryToken: true, Feature: FeatureLexicons, Summary: "one version (LexiconVersion, or YAML with ?format=yaml)"},
	{Method: get, Path: "/v1/lexicons/{version}/diff", Access: AnyStaff, QueryToken: true, Feature: FeatureLexicons, Summary: "rules changed from ?against= (default: the previous version) (DiffResult)"},
	{Method: post, Path: "/v1/lexicons/validate", Access: AnyStaff, QueryToken: true, Feature: FeatureLexicons, Summary: "validate a draft and diff it against the live version (DraftRequest -> ValidateResult)"},
	{Method: post, Path: "/v1/lexicons/test", Access: AnyStaff, QueryToken: true, Feature: FeatureLexicons, Summary: "match a text with a draft or the live version (DraftRequest -> TestResult)"},
	{Method: post, Path: "/v1/lexicons/backtest", Access: AnyStaff, QueryToken: true, Feature: FeatureLexicons, Summary: "run a draft over stored transcripts (DraftRequest -> BacktestReport)"},
	{Method: post, Path: "/v1/lexicons/import", Access: AnyStaff, QueryToken: true, Feature: FeatureLexicons, Summary: "turn a CSV word list into lexicon YAML"},
	{Method: post, Path: "/v1/lexicons", Access: Policy, Feature: FeatureLexicons, Summary: "publish a draft as the next version (DraftRequest -> LexiconSummary)"},
	{Method: post, Path: "/v1/lexicons/rollback", Access: Policy, Feature: FeatureLexicons, Summary: "publish an old version again (DraftRequest.Version -> LexiconSummary)"},

	{Method: get, Path: "/{$}", Access: Public, Summary: "the compliance console page"},
	{Method: get, Path: "/lexicon", Access: Public, Summary: "the lexicon editor page"},
	{Method: get, Path: "/overlay/{room}", Access: Public, Summary: "the anchor's overlay page (an OBS browser source)"},
	{Method: get, Path: "/static/", Access: Public, Summary: "the pages' scripts and styles"},

	{Method: post, Path: "/whip/{room}", Access: AnchorOfRoom, Feature: FeatureWHIP, Summary: "WHIP: publish the room's audio (SDP offer -> answer, RFC 9725)"},
	{Method: opt, Path: "/whip/{room}", Access: Public, Feature: FeatureWHIP, Summary: "WHIP: CORS pre-flight of the endpoint"},
	{Method: patch, Path: "/whip/{room}/{session}", Access: SessionURL, Feature: FeatureWHIP, Summary: "WHIP: trickle ICE candidates or restart ICE"},
	{Method: del, Path: "/whip/{room}/{session}", Access: SessionURL, Feature: FeatureWHIP, Summary: "WHIP: end the session"},
	{Method: opt, Path: "/whip/{room}/{session}", Access: Public, Feature: FeatureWHIP, Summary: "WHIP: CORS pre-flight of the session"},
}

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
