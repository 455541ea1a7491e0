package api

import "time"

// Room is a room's identity as alerts carry it.
type Room struct {
	ID       string `json:"id"`
	Anchor   string `json:"anchor,omitempty"`
	Merchant string `json:"merchant,omitempty"`
}

// RoomSpec is the body of POST /v1/rooms.
type RoomSpec struct {
	ID       string `json:"id"`
	Anchor   string `json:"anchor,omitempty"`
	Merchant string `json:"merchant,omitempty"`
	// Source is "whip" (publishers push to /whip/{id}) or a URL the server
	// pulls (rtmp://, srt://, https://…/index.m3u8, whep+https://…).
	Source string `json:"source"`
	// Token is passed to the pulled source (e.g. a WHEP bearer token); it
	// is stored but never shown.
	Token string `json:"token,omitempty"`
	// Recognizer names one of the server's ASR engines; empty: the default.
	Recognizer string `json:"recognizer,omitempty"`
}

// RoomStatus is GET /v1/rooms/{room}: the room's state and counters.
type RoomStatus struct {
	Room Room `json:"room"`
	// State is the room's state (idle, waiting, connecting, live,
	// reconnecting, ended, failed, stopped; package rooms documents each).
	State string `json:"state"`
	// Reason says why the room is in its state, e.g. "reconnecting: …".
	Reason     string `json:"reason,omitempty"`
	Registered bool   `json:"registered"`
	// RegisteredSource is "whip" or the pulled URL with its password and
	// query redacted.
	RegisteredSource string    `json:"registered_source,omitempty"`
	Source           string    `json:"source,omitempty"`
	Session          string    `json:"session,omitempty"`
	Started          time.Time `json:"started"`
	Ended            time.Time `json:"ended,omitzero"`
	HeardMs          int64     `json:"heard_ms"`
	Chunks           uint64    `json:"chunks"`
	Dropped          uint64    `json:"dropped_chunks"`
	// ShedPartials are the session's partial hypotheses a scanner that
	// fell behind skipped as stale (the overload policy, docs/scaling.md:
	// their finals are always scanned).
	ShedPartials uint64 `json:"shed_partials"`
	// Utterances and Alerts count the current or last audio session plus
	// the room's text feed.
	Utterances uint64 `json:"utterances"`
	Alerts     uint64 `json:"alerts"`
	// SourceStats are the current or last session's network and decoder
	// counters, for sources that report them (WHIP, WHEP).
	SourceStats *SourceStats `json:"source_stats,omitempty"`
	LastError   string       `json:"last_error,omitempty"`
	// Attempt counts consecutive failed connections of a pulled source.
	Attempt    int        `json:"attempt,omitempty"`
	Reconnects uint64     `json:"reconnects"`
	Sessions   uint64     `json:"sessions"`
	Total      RoomTotals `json:"total"`
	// LexiconVersion is the version new utterances are matched with.
	LexiconVersion string `json:"lexicon_version,omitempty"`
	// Owner is the ingest worker holding the room's claim in a cluster
	// (its holder name, as `earshot cluster status` lists it), shown by
	// that worker: a pulled room it pulls, or a room its WHIP publisher
	// feeds.
	Owner string `json:"owner,omitempty"`
	// Reports are the room's viewer-report figures on this node, the
	// flood breaker's state among them (absent before the first report).
	Reports *RoomReports `json:"reports,omitempty"`
}

// RoomTotals add up all of a room's sessions.
type RoomTotals struct {
	HeardMs      int64   `json:"heard_ms"`
	HeardSeconds float64 `json:"heard_seconds"`
	PCMBytes     uint64  `json:"pcm_bytes"`
	Chunks       uint64  `json:"chunks"`
	Dropped      uint64  `json:"dropped_chunks"`
	ShedPartials uint64  `json:"shed_partials"`
	Utterances   uint64  `json:"utterances"`
	Alerts       uint64  `json:"alerts"`
	// Source adds up the sessions' SourceStats.
	Source SourceStats `json:"source"`
}

// SourceStats are a source's network and decoder counters.
type SourceStats struct {
	// Packets counts network packets received; Bytes their payload bytes.
	Packets uint64 `json:"packets"`
	Bytes   uint64 `json:"bytes"`
	// PacketsLost never arrived in time; PacketsLate came after the audio
	// around them was decoded.
	PacketsLost  uint64 `json:"packets_lost"`
	PacketsLate  uint64 `json:"packets_late"`
	DecodeErrors uint64 `json:"decode_errors"`
	// ConcealedMs is the stream time filled with silence for lost or
	// undecodable audio.
	ConcealedMs int64 `json:"concealed_ms"`
	// DroppedChunks were dropped by the source because its consumer fell
	// behind.
	DroppedChunks uint64 `json:"dropped_chunks"`
}

// RoomList is GET /v1/rooms: rooms by id, at most ?limit= of them (default
// and most MaxRoomPage), after ?after=.
type RoomList struct {
	Rooms []RoomStatus `json:"rooms"`
	// NextAfter is the ?after= of the next page; absent on the last.
	NextAfter string `json:"next_after,omitempty"`
}

// MaxRoomPage bounds one page of GET /v1/rooms.
const MaxRoomPage = 1000

// RoomRemoved is DELETE /v1/rooms/{room}.
type RoomRemoved struct {
	Room    string `json:"room"`
	Removed bool   `json:"removed"`
}

// Pace is ?pace= of an audio upload.
type Pace string

// The paces of an upload.
const (
	// PaceRealtime plays the upload as a live room would hear it (the
	// default); audio a slow recognizer cannot keep up with is dropped and
	// counted.
	PaceRealtime Pace = "realtime"
	// PaceFast reads the upload as fast as it is recognized, losing nothing.
	PaceFast Pace = "fast"
)

// AudioAccepted is the 202 answer to POST /v1/rooms/{room}/audio.
type AudioAccepted struct {
	Room       string `json:"room"`
	Session    string `json:"session"`
	Source     string `json:"source"`
	Format     string `json:"format"`
	DurationMs int64  `json:"duration_ms"`
	Realtime   bool   `json:"realtime"`
}

// Utterance is one transcript segment posted by a platform's own ASR to
// POST /v1/rooms/{room}/utterances (one object or an array of them).
type Utterance struct {
	Text    string `json:"text"`
	StartMs int64  `json:"start_ms"`
	EndMs   int64  `json:"end_ms"`
	// Final defaults to true: a platform usually posts finished sentences.
	Final *bool `json:"final"`
}

// UtterancesResult is the answer to POST /v1/rooms/{room}/utterances: the
// alerts the text raised, in order.
type UtterancesResult struct {
	Room       string  `json:"room"`
	Utterances int     `json:"utterances"`
	Alerts     []Alert `json:"alerts"`
	// Queued (with 202 Accepted): NATS was unreachable from the node, the
	// utterances wait in its local spool and are scanned and alerted when
	// it returns; Alerts is empty and posting them again would alert twice.
	Queued bool   `json:"queued,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Health is GET /healthz.
type Health struct {
	Status string `json:"status"`
	// Warnings name insecure settings in force, e.g. tokens not required.
	Warnings []string `json:"warnings,omitempty"`
}

// Session is what a token says about its holder: the answer of
// POST and GET /v1/session.
type Session struct {
	Subject string    `json:"subject"`
	Role    Role      `json:"role"`
	Room    string    `json:"room,omitempty"`
	ID      string    `json:"id"`
	Expires time.Time `json:"expires"`
}

// RevokeRequest is the body of POST /v1/tokens/revoke: exactly one of ID
// (a token's jti, as `earshot token` prints it) and Subject (every token of
// the subject issued until now).
type RevokeRequest struct {
	ID      string `json:"id,omitempty"`
	Subject string `json:"subject,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// Revocation is one entry of the revocation list: Kind "id" or "subject",
// the revoked Value, when and by whom (the admin token's subject).
type Revocation struct {
	Kind   string    `json:"kind"`
	Value  string    `json:"value"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Reason string    `json:"reason,omitempty"`
}

// RevocationList is the answer of GET /v1/tokens/revoked, oldest first.
type RevocationList struct {
	Revocations []Revocation `json:"revocations"`
}
