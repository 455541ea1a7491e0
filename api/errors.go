package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Code is a stable, machine-readable error code: the "code" of the error
// envelope. Codes are data (Errors); a client switches on them, never on
// messages.
type Code string

// The codes the server answers with. Each is listed in Errors with its HTTP
// status; a test checks the two lists agree and that server/ uses no other.
const (
	CodeBadRequest       Code = "bad_request"
	CodeBadQuery         Code = "bad_query"
	CodeBadRoom          Code = "bad_room"
	CodeBadAudio         Code = "bad_audio"
	CodeBadUtterances    Code = "bad_utterances"
	CodeBadAlertID       Code = "bad_alert_id"
	CodeBadDisposition   Code = "bad_disposition"
	CodeBadID            Code = "bad_id"
	CodeBadVersion       Code = "bad_version"
	CodeBadAgainst       Code = "bad_against"
	CodeBadRange         Code = "bad_range"
	CodeBadCSV           Code = "bad_csv"
	CodeNotStarted       Code = "not_started"
	CodeUnauthorized     Code = "unauthorized"
	CodeForbidden        Code = "forbidden"
	CodeNotFound         Code = "not_found"
	CodeUnknownRoom      Code = "unknown_room"
	CodeUnknownAlert     Code = "unknown_alert"
	CodeNoClip           Code = "no_clip"
	CodeNoVersions       Code = "no_versions"
	CodeRoomExists       Code = "room_exists"
	CodeRoomBusy         Code = "room_busy"
	CodeConflict         Code = "conflict"
	CodeTooLarge         Code = "too_large"
	CodeInvalidLexicon   Code = "invalid_lexicon"
	CodeInternal         Code = "internal"
	CodeNoRoute          Code = "no_route"
	CodeMethodNotAllowed Code = "method_not_allowed"
	CodeStoreFailed      Code = "store_failed"
	CodeNotSupported     Code = "not_supported"
	CodeNotDelivered     Code = "not_delivered"
	CodeAlertsRefused    Code = "alerts_refused"
	CodeAlertLog         Code = "alert_log"
	CodeEscalationLog    Code = "escalation_log"
	CodeDispositions     Code = "dispositions"
	CodeNoDispositions   Code = "no_dispositions"
	CodeNoEvents         Code = "no_events"
	CodeNoAuth           Code = "no_auth"
	CodeNoTranscripts    Code = "no_transcripts"
	CodeShuttingDown     Code = "shutting_down"
	CodeTimeout          Code = "timeout"
	CodeCancelled        Code = "cancelled"
	CodeStillFlushing    Code = "still_flushing"
	CodeRevocations      Code = "revocations"
	CodeUnsupportedMedia Code = "unsupported_media_type"
	CodeUnknownHost      Code = "unknown_host"
	CodeCrossOrigin      Code = "cross_origin"
	CodeRateLimited      Code = "rate_limited"
	CodeBusy             Code = "busy"
	CodeBodyTimeout      Code = "body_timeout"
	CodeQueryTooCostly   Code = "query_too_costly"
	CodeSearchTimeout    Code = "search_timeout"
	CodeRoomLimit        Code = "room_limit"
	CodeNeedsForce       Code = "needs_force"
	CodeBadCaseID        Code = "bad_case_id"
	CodeBadCase          Code = "bad_case"
	CodeUnknownCase      Code = "unknown_case"
	CodeCaseDecided      Code = "case_decided"
	CodeCases            Code = "cases"
	CodeBadAppeal        Code = "bad_appeal"
	CodeAlreadyAppealed  Code = "already_appealed"
	CodeNotConfirmed     Code = "not_confirmed"
	CodeUnknownAppeal    Code = "unknown_appeal"
	CodeAppealDecided    Code = "appeal_decided"
	CodeAppeals          Code = "appeals"
	CodeIndexUnavailable Code = "index_unavailable"
	CodeBadAccount       Code = "bad_account"
	CodeUnknownAccount   Code = "unknown_account"
	CodeTrustNotReady    Code = "trust_not_ready"
	CodeBadWebhook       Code = "bad_webhook"
	CodeURLRefused       Code = "url_refused"
	CodeUnknownWebhook   Code = "unknown_webhook"
	CodeUnknownDelivery  Code = "unknown_delivery"
	CodeWebhookConfig    Code = "webhook_configured"
	CodeWebhookLimit     Code = "webhook_limit"
	CodeEventGone        Code = "event_gone"
	CodeWebhooks         Code = "webhooks"

	// Viewer reports and polls.
	CodeBadReport       Code = "bad_report"
	CodeBadMoment       Code = "bad_moment"
	CodeMomentAhead     Code = "moment_ahead"
	CodeUnknownCategory Code = "unknown_category"
	CodeReportText      Code = "report_text"
	CodeDuplicateReport Code = "duplicate_report"
	CodeNotViewer       Code = "not_viewer"
	CodeReports         Code = "reports_unavailable"
	CodeBadPoll         Code = "bad_poll"
	CodePollExists      Code = "poll_exists"
	CodePollOpen        Code = "poll_open"
	CodeNoPoll          Code = "no_poll"
	CodePollClosed      Code = "poll_closed"
	CodeAlreadyVoted    Code = "already_voted"
	CodeBadVote         Code = "bad_vote"
	CodeBadBan          Code = "bad_ban"
	CodeBadBenign       Code = "bad_benign"
	CodeUnknownBan      Code = "unknown_ban"
	CodeLinks           Code = "links"
)

// ErrorSpec is one entry of the error table.
type ErrorSpec struct {
	Code Code
	// Status is the HTTP status every answer with this code carries.
	Status      int
	Description string
}

// Errors is the table of error codes, in the spirit of nats-server's
// errors.json: one code, one status, one meaning. Add to it; never reuse or
// rename a code, clients switch on them.
var Errors = []ErrorSpec{
	{CodeBadRequest, http.StatusBadRequest, "the body of a lexicon request is malformed or misses a field; the message names it"},
	{CodeBadQuery, http.StatusBadRequest, "a query parameter is wrong or unknown; the message names it"},
	{CodeBadRoom, http.StatusBadRequest, "the room id or room registration is invalid; the message names the field"},
	{CodeBadAudio, http.StatusBadRequest, "the uploaded body is empty or not a readable WAV file"},
	{CodeBadUtterances, http.StatusBadRequest, "the utterance JSON is malformed; the message names the utterance and field"},
	{CodeBadAlertID, http.StatusBadRequest, "the alert id is not 26 characters of Crockford base32"},
	{CodeBadDisposition, http.StatusBadRequest, "the disposition body is malformed or its decision unknown"},
	{CodeBadID, http.StatusBadRequest, "the transcript record id is empty, too long or not printable"},
	{CodeBadVersion, http.StatusBadRequest, "the lexicon version is not a positive number"},
	{CodeBadAgainst, http.StatusBadRequest, "?against= of a lexicon diff is not a version number"},
	{CodeBadRange, http.StatusBadRequest, "the backtest time range is malformed, reversed or too long"},
	{CodeBadCSV, http.StatusBadRequest, "the CSV word list cannot be read"},
	{CodeNotStarted, http.StatusBadRequest, "the uploaded audio could not be started as a session"},
	{CodeUnauthorized, http.StatusUnauthorized, "the route needs a token and the request carries none, or one that does not verify"},
	{CodeForbidden, http.StatusForbidden, "the token verifies but does not grant this route (wrong role or room)"},
	{CodeNotFound, http.StatusNotFound, "no lexicon version or transcript record has this id"},
	{CodeUnknownRoom, http.StatusNotFound, "the room has not been seen, is not registered, or has no stored transcripts"},
	{CodeUnknownAlert, http.StatusNotFound, "no stored alert has this id"},
	{CodeNoClip, http.StatusNotFound, "no evidence clip for this alert (yet: clips are written a few seconds after the alert)"},
	{CodeNoVersions, http.StatusNotFound, "no lexicon version has been published yet"},
	{CodeRoomExists, http.StatusConflict, "a room with this id is already registered"},
	{CodeRoomBusy, http.StatusConflict, "the room has a live session; wait for it to end or remove the room"},
	{CodeConflict, http.StatusConflict, "the live lexicon is no longer the base version the draft was written against"},
	{CodeTooLarge, http.StatusRequestEntityTooLarge, "the body exceeds the route's size limit"},
	{CodeInvalidLexicon, http.StatusUnprocessableEntity, "the lexicon does not validate; \"errors\" lists every problem"},
	{CodeInternal, http.StatusInternalServerError, "a bug or a failure of the server itself; it is logged"},
	{CodeNoRoute, http.StatusNotFound, "no route has this path (the README's HTTP API table lists every route)"},
	{CodeMethodNotAllowed, http.StatusMethodNotAllowed, "the path takes other methods: the message and the Allow header name them"},
	{CodeStoreFailed, http.StatusInternalServerError, "the transcript store failed; it is logged"},
	{CodeNotSupported, http.StatusNotImplemented, "this server is built without the feature (e.g. room registration)"},
	{CodeNotDelivered, http.StatusServiceUnavailable, "the utterances' alerts could not be delivered; retry"},
	{CodeAlertsRefused, http.StatusServiceUnavailable, "the alert store cannot take alerts now (its disk is full, its stream is being created again, NATS is unreachable); the message says which; the alert was not stored: retry (Retry-After)"},
	{CodeAlertLog, http.StatusServiceUnavailable, "the alert log (JetStream) cannot be read now; retry"},
	{CodeEscalationLog, http.StatusServiceUnavailable, "the escalation log (the event stream) cannot be read now; retry"},
	{CodeDispositions, http.StatusServiceUnavailable, "the dispositions store cannot be read or written now; retry"},
	{CodeNoDispositions, http.StatusServiceUnavailable, "alert review is not configured on this server"},
	{CodeNoEvents, http.StatusServiceUnavailable, "live events are not configured, or the feed cannot subscribe now"},
	{CodeNoAuth, http.StatusServiceUnavailable, "this server has no token signer configured"},
	{CodeNoTranscripts, http.StatusServiceUnavailable, "no transcript store is configured (needed by backtests)"},
	{CodeShuttingDown, http.StatusServiceUnavailable, "the server is shutting down"},
	{CodeTimeout, http.StatusServiceUnavailable, "a lexicon request ran out of time or was cancelled"},
	{CodeCancelled, http.StatusServiceUnavailable, "a transcript request ran out of time or was cancelled"},
	{CodeStillFlushing, http.StatusAccepted, "the room is removed but its last alerts are still being flushed"},
	{CodeRevocations, http.StatusServiceUnavailable, "the revocation list (NATS) cannot be written now; retry"},
	{CodeUnsupportedMedia, http.StatusUnsupportedMediaType, "the body's Content-Type is not one the route takes (api.Route.Body), e.g. JSON routes need application/json"},
	{CodeUnknownHost, http.StatusMisdirectedRequest, "the Host header names a host this server does not answer for (http.allowed_hosts): DNS rebinding protection"},
	{CodeCrossOrigin, http.StatusForbidden, "a browser request from another origin that may not write here (not in http.allow_origin)"},
	{CodeRateLimited, http.StatusTooManyRequests, "the token or address sent more requests than its rate limit allows; Retry-After says when to retry"},
	{CodeBusy, http.StatusServiceUnavailable, "every slot for this kind of work (uploads, searches) is taken; Retry-After says when to retry"},
	{CodeBodyTimeout, http.StatusRequestTimeout, "the request body stalled or took longer than the route allows"},
	{CodeQueryTooCostly, http.StatusBadRequest, "the search would cost too much (a leading wildcard, too many wildcards, too many index terms); the message says what to change"},
	{CodeSearchTimeout, http.StatusServiceUnavailable, "the search ran past its time budget and was cancelled; narrow it"},
	{CodeIndexUnavailable, http.StatusServiceUnavailable, "no index node holding transcripts answered in time (or none is registered); Retry-After says when to retry"},
	{CodeNeedsForce, http.StatusConflict, "the lexicon has no rules, or drops more than lexicon.max_drop_share of the live rules: send \"force\": true (earshot lexicon publish --force) to publish it"},
	{CodeBadCaseID, http.StatusBadRequest, "a case id is empty, too long or not [A-Za-z0-9_-]"},
	{CodeBadCase, http.StatusBadRequest, "the case request body is malformed, its decision unknown, or a filter wrong; the message names the field"},
	{CodeUnknownCase, http.StatusNotFound, "no case has this id (a bulk decision names every unknown id and decides none)"},
	{CodeCaseDecided, http.StatusConflict, "the case is decided already; it takes notes, not another decision or assignment"},
	{CodeCases, http.StatusServiceUnavailable, "the case store (JetStream) cannot be read or written now; retry"},
	{CodeBadAppeal, http.StatusBadRequest, "the appeal or its decision is malformed: a reason is needed, an outcome is upheld or overturned"},
	{CodeAlreadyAppealed, http.StatusConflict, "the alert has been appealed already: an alert is appealed once"},
	{CodeNotConfirmed, http.StatusConflict, "only a confirmed alert can be appealed, and this one's newest disposition is not confirmed"},
	{CodeUnknownAppeal, http.StatusNotFound, "the alert has no appeal"},
	{CodeAppealDecided, http.StatusConflict, "the appeal has an outcome already"},
	{CodeAppeals, http.StatusServiceUnavailable, "the appeal store (JetStream) cannot be read or written now; retry"},
	{CodeBadAccount, http.StatusBadRequest, "the anchor or merchant id is empty, longer than 128 bytes, not UTF-8 or has control characters, or a ban or links request names both or neither of anchor and merchant"},
	{CodeUnknownAccount, http.StatusNotFound, "the trust ledger has nothing about this anchor or merchant in its window"},
	{CodeTrustNotReady, http.StatusServiceUnavailable, "the trust ledger is still loading on this node; retry (Retry-After)"},
	{CodeBadWebhook, http.StatusBadRequest, "the webhook body is malformed: its url (absolute http or https, no credentials), secret (1 to 256 bytes, not blank, or left out to have one generated; under 16 is taken with a warning) or events (known types, each once); the message names what is wrong"},
	{CodeURLRefused, http.StatusBadRequest, "the webhook URL's host is a loopback, private or otherwise special address not listed in ingest.allow_hosts (the outbound allow list pulled sources use)"},
	{CodeUnknownWebhook, http.StatusNotFound, "no webhook endpoint has this id"},
	{CodeUnknownDelivery, http.StatusNotFound, "the webhook endpoint has no delivery with this id (deliveries are kept 7 days)"},
	{CodeWebhookConfig, http.StatusConflict, "the webhook endpoint comes from the config file's webhooks list: remove it there"},
	{CodeWebhookLimit, http.StatusConflict, "there are already as many webhook endpoints as allowed (webhook_delivery.max_endpoints)"},
	{CodeEventGone, http.StatusGone, "the delivery's event is no longer stored (its stream's retention dropped it): it cannot be sent again"},
	{CodeWebhooks, http.StatusServiceUnavailable, "the webhook store (JetStream) cannot be read or written now; retry"},
	{CodeBadReport, http.StatusBadRequest, "the report body is not one JSON object {\"at_ms\": N, \"category\": \"...\", \"text\": \"...\"} (or has unknown fields)"},
	{CodeBadMoment, http.StatusBadRequest, "at_ms is missing, negative, fractional or not a number: the moment of the room's stream in whole milliseconds"},
	{CodeMomentAhead, http.StatusUnprocessableEntity, "at_ms lies more than a minute past where the room's stream is now (or more than 30 days into any stream)"},
	{CodeUnknownCategory, http.StatusBadRequest, "the report's category is missing or not one of the lexicon's categories or \"other\""},
	{CodeReportText, http.StatusBadRequest, "the report's text is longer than 280 characters, not UTF-8, or holds control characters"},
	{CodeDuplicateReport, http.StatusConflict, "this viewer already reported this moment of the room (the same 10 s of stream time)"},
	{CodeNotViewer, http.StatusForbidden, "the route needs a viewer token (earshot token --role viewer --viewer ID, or one the platform signs)"},
	{CodeReports, http.StatusServiceUnavailable, "viewer reports or polls cannot be stored or read now (NATS); retry"},
	{CodeBadPoll, http.StatusBadRequest, "the poll body is malformed: question up to 200 characters, 2 to 4 distinct options up to 40"},
	{CodePollExists, http.StatusConflict, "the alert already has a poll"},
	{CodePollOpen, http.StatusConflict, "the room already has an open poll: close it first"},
	{CodeNoPoll, http.StatusNotFound, "no such poll: the alert or room has none, or the poll id is not the room's"},
	{CodePollClosed, http.StatusConflict, "the poll is closed: votes are no longer taken"},
	{CodeAlreadyVoted, http.StatusConflict, "this viewer already voted in this poll"},
	{CodeBadVote, http.StatusBadRequest, "the vote body is malformed or its option is not one of the poll's"},
	{CodeBadBan, http.StatusBadRequest, "the ban body is malformed: reason empty or over 1000 bytes, action not ban or flag, an unknown field; the message names it"},
	{CodeBadBenign, http.StatusBadRequest, "the benign mark needs exactly one of value (an identifier) or hash (32 hex digits), and a note of at most 1000 bytes"},
	{CodeUnknownBan, http.StatusNotFound, "the account is not on the ban list, or the identifier is not marked benign"},
	{CodeLinks, http.StatusServiceUnavailable, "the returning-violator store (NATS KV) cannot be read or written now, or is not configured; retry"},
	{CodeRoomLimit, http.StatusConflict, "a new room would exceed a cap (all rooms, automatic rooms, or one merchant's); the message names it"},
}

var errorIndex = func() map[Code]ErrorSpec {
	m := make(map[Code]ErrorSpec, len(Errors))
	for _, e := range Errors {
		m[e.Code] = e
	}
	return m
}()

// Lookup returns the table entry of c.
func Lookup(c Code) (ErrorSpec, bool) {
	e, ok := errorIndex[c]
	return e, ok
}

// Status is the HTTP status of c; a code missing from the table (a bug the
// tests catch) is a 500.
func (c Code) Status() int {
	if e, ok := errorIndex[c]; ok {
		return e.Status
	}
	return http.StatusInternalServerError
}

// ErrorResponse is the envelope of every JSON error answer:
// {"error": {"code": "...", "message": "..."}}.
type ErrorResponse struct {
	Error ErrorBody `json:"error"`
}

// ErrorBody is the envelope's content. Message says, for a person, what was
// wrong; Errors lists every validation problem of an invalid_lexicon.
type ErrorBody struct {
	Code    Code      `json:"code"`
	Message string    `json:"message"`
	Errors  []Problem `json:"errors,omitempty"`
}

// Error is what Client returns for a non-2xx answer; use errors.As to read
// it, or IsCode.
type Error struct {
	// Status is the HTTP status.
	Status int
	// Code is the envelope's code; empty when the answer was not the JSON
	// envelope (a proxy's page, the mux's 404 for a route this server does
	// not serve).
	Code    Code
	Message string
	// Problems are the validation problems of an invalid_lexicon answer.
	Problems []Problem
	// Method and Path name the request, e.g. "GET" and "/v1/rooms".
	Method, Path string
}

func (e *Error) Error() string {
	code := string(e.Code)
	if code == "" {
		code = strings.ToLower(http.StatusText(e.Status))
	}
	return fmt.Sprintf("%d %s: %s", e.Status, code, e.Message)
}

// IsCode reports whether err is (or wraps) an *Error with code c.
func IsCode(err error, c Code) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == c
}

// StatusOf returns the HTTP status of an *Error in err's chain, or 0.
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}
