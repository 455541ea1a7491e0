package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Health calls GET /healthz.
func (c *Client) Health(ctx context.Context) (Health, error) {
	var h Health
	return h, c.getJSON(ctx, "/healthz", nil, &h)
}

// Metrics returns the Prometheus text exposition of GET /metrics.
func (c *Client) Metrics(ctx context.Context) ([]byte, error) {
	var text []byte
	return text, c.do(ctx, request{method: http.MethodGet, path: "/metrics", accept: "text/plain", raw: &text, rawType: "text/plain"})
}

// Rooms lists every room the server has seen (GET /v1/rooms).
//
// It reads every page.
func (c *Client) Rooms(ctx context.Context) ([]RoomStatus, error) {
	var out []RoomStatus
	q := url.Values{}
	for {
		var l RoomList
		if err := c.getJSON(ctx, "/v1/rooms", q, &l); err != nil {
			return out, err
		}
		out = append(out, l.Rooms...)
		if l.NextAfter == "" || len(l.Rooms) == 0 {
			return out, nil
		}
		q.Set("after", l.NextAfter)
	}
}

// Room returns one room's status (GET /v1/rooms/{room}).
func (c *Client) Room(ctx context.Context, id string) (RoomStatus, error) {
	var st RoomStatus
	if err := needID("room", id); err != nil {
		return st, err
	}
	return st, c.getJSON(ctx, Expand("/v1/rooms/{room}", id), nil, &st)
}

// AddRoom registers a room (POST /v1/rooms).
func (c *Client) AddRoom(ctx context.Context, spec RoomSpec) (RoomStatus, error) {
	var st RoomStatus
	return st, c.sendJSON(ctx, http.MethodPost, "/v1/rooms", nil, spec, &st)
}

// RemoveRoom stops and forgets a room (DELETE /v1/rooms/{room}). When the
// room is removed but its last alerts are still being flushed the server
// answers 202 still_flushing: RemoveRoom then returns StillFlushing true and
// no error.
func (c *Client) RemoveRoom(ctx context.Context, id string) (r RoomRemoved, stillFlushing bool, err error) {
	if err := needID("room", id); err != nil {
		return r, false, err
	}
	var status int
	err = c.do(ctx, request{method: http.MethodDelete, path: Expand("/v1/rooms/{room}", id), out: &r, status: &status})
	if err == nil && status == http.StatusAccepted {
		return RoomRemoved{Room: id, Removed: true}, true, nil
	}
	return r, false, err
}

// UploadAudio monitors a WAV as room's audio (POST /v1/rooms/{room}/audio);
// room.Anchor and room.Merchant, if set, go on its alerts. The body is
// streamed, never held in memory; the client's timeout bounds the whole
// upload, so give a long broadcast WithTimeout to match.
func (c *Client) UploadAudio(ctx context.Context, room Room, pace Pace, wav io.Reader) (AudioAccepted, error) {
	var out AudioAccepted
	if err := needID("room", room.ID); err != nil {
		return out, err
	}
	q := roomQuery(room)
	if pace != "" {
		q.Set("pace", string(pace))
	}
	return out, c.do(ctx, request{method: http.MethodPost, path: Expand("/v1/rooms/{room}/audio", room.ID),
		query: q, body: wav, ctype: "audio/wav", out: &out})
}

// PostUtterances scans text from a platform's own recognizer as room's
// speech (POST /v1/rooms/{room}/utterances) and returns the alerts raised.
func (c *Client) PostUtterances(ctx context.Context, room Room, us ...Utterance) (UtterancesResult, error) {
	var out UtterancesResult
	if err := needID("room", room.ID); err != nil {
		return out, err
	}
	return out, c.sendJSON(ctx, http.MethodPost, Expand("/v1/rooms/{room}/utterances", room.ID), roomQuery(room), us, &out)
}

func roomQuery(room Room) url.Values {
	q := url.Values{}
	setNonEmpty(q, "anchor", room.Anchor)
	setNonEmpty(q, "merchant", room.Merchant)
	return q
}

// Alerts reads the stored alert log (GET /v1/alerts), oldest first.
func (c *Client) Alerts(ctx context.Context, aq AlertQuery) ([]AlertView, error) {
	l, err := c.AlertPage(ctx, aq)
	return l.Alerts, err
}

// AlertPage reads one page of the alert log with the cursor of the next
// older page (AlertList.NextBefore, for AlertQuery.Before).
func (c *Client) AlertPage(ctx context.Context, aq AlertQuery) (AlertList, error) {
	q := url.Values{}
	setNonEmpty(q, "room", aq.Room)
	setNonEmpty(q, "category", aq.Category)
	setNonEmpty(q, "disposition", aq.Disposition)
	if aq.Limit != 0 {
		q.Set("limit", strconv.Itoa(aq.Limit))
	}
	if !aq.Since.IsZero() {
		q.Set("since", aq.Since.UTC().Format(time.RFC3339))
	}
	if aq.Before != 0 {
		q.Set("before", strconv.FormatUint(aq.Before, 10))
	}
	var l AlertList
	return l, c.getJSON(ctx, "/v1/alerts", q, &l)
}

// Alert returns one alert with its disposition history (GET
// /v1/alerts/{id}; a compliance token).
func (c *Client) Alert(ctx context.Context, id string) (AlertView, error) {
	var v AlertView
	if err := needID("alert", id); err != nil {
		return v, err
	}
	return v, c.getJSON(ctx, Expand("/v1/alerts/{id}", id), nil, &v)
}

// Dispose records a reviewer's decision on an alert (POST
// /v1/alerts/{id}/disposition; a compliance token).
func (c *Client) Dispose(ctx context.Context, id string, req DispositionRequest) (Disposition, error) {
	var d Disposition
	if err := needID("alert", id); err != nil {
		return d, err
	}
	return d, c.sendJSON(ctx, http.MethodPost, Expand("/v1/alerts/{id}/disposition", id), nil, req, &d)
}

// Clip returns an alert's evidence clip, a WAV file (GET
// /v1/alerts/{id}/clip). Until the audio after the hit has been heard the
// server answers 404 no_clip.
func (c *Client) Clip(ctx context.Context, id string) ([]byte, error) {
	if err := needID("alert", id); err != nil {
		return nil, err
	}
	var wav []byte
	return wav, c.do(ctx, request{method: http.MethodGet, path: Expand("/v1/alerts/{id}/clip", id),
		accept: "audio/wav", raw: &wav, rawType: "audio/wav"})
}

// SearchTranscripts searches stored transcripts (GET /v1/transcripts).
func (c *Client) SearchTranscripts(ctx context.Context, sq SearchQuery) (SearchResponse, error) {
	q := url.Values{}
	setNonEmpty(q, "q", sq.Q)
	for name, vals := range map[string][]string{"room": sq.Rooms, "anchor": sq.Anchors, "merchant": sq.Merchants,
		"category": sq.Categories, "rule": sq.Rules, "session": sq.Sessions} {
		for _, v := range vals {
			q.Add(name, v)
		}
	}
	setTime(q, "from", sq.From)
	setTime(q, "to", sq.To)
	setNonEmpty(q, "sort", sq.Sort)
	if sq.Page != 0 {
		q.Set("page", strconv.Itoa(sq.Page))
	}
	if sq.Size != 0 {
		q.Set("size", strconv.Itoa(sq.Size))
	}
	var res SearchResponse
	return res, c.getJSON(ctx, "/v1/transcripts", q, &res)
}

// Transcript returns one stored utterance (GET /v1/transcripts/{id}).
func (c *Client) Transcript(ctx context.Context, id string) (TranscriptRecord, error) {
	var rec TranscriptRecord
	if err := needID("transcript", id); err != nil {
		return rec, err
	}
	return rec, c.getJSON(ctx, Expand("/v1/transcripts/{id}", id), nil, &rec)
}

// Timeline returns room's transcript from before at to after it (GET
// /v1/rooms/{room}/timeline); zero spans are the server's default (2m).
func (c *Client) Timeline(ctx context.Context, room string, at time.Time, before, after time.Duration) (Timeline, error) {
	var tl Timeline
	if err := needID("room", room); err != nil {
		return tl, err
	}
	q := url.Values{}
	setTime(q, "at", at)
	if before != 0 {
		q.Set("before", before.String())
	}
	if after != 0 {
		q.Set("after", after.String())
	}
	return tl, c.getJSON(ctx, Expand("/v1/rooms/{room}/timeline", room), q, &tl)
}

func setNonEmpty(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}

func setTime(q url.Values, k string, t time.Time) {
	if !t.IsZero() {
		q.Set(k, t.Format(time.RFC3339Nano))
	}
}

func needID(what, id string) error {
	if id == "" {
		return errors.New(what + " id is empty")
	}
	return nil
}

// bytesReader keeps call sites short.
func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
