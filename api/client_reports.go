package api

import (
	"context"
	"net/http"
)

// Report sends a viewer's report of a moment of room's stream (POST
// /v1/rooms/{room}/reports; a viewer token). It answers the report's id,
// never whether it raised anything: reports are signals.
func (c *Client) Report(ctx context.Context, room string, req ReportRequest) (ReportAccepted, error) {
	var r ReportAccepted
	return r, c.sendJSON(ctx, http.MethodPost, Expand("/v1/rooms/{room}/reports", room), nil, req, &r)
}

// RoomPoll is room's latest poll (GET /v1/rooms/{room}/poll): counts are
// hidden from viewers until it closes.
func (c *Client) RoomPoll(ctx context.Context, room string) (Poll, error) {
	var p Poll
	return p, c.getJSON(ctx, Expand("/v1/rooms/{room}/poll", room), nil, &p)
}

// Vote votes once in room's open poll (POST /v1/rooms/{room}/poll/vote; a
// viewer token).
func (c *Client) Vote(ctx context.Context, room string, req VoteRequest) (Poll, error) {
	var p Poll
	return p, c.sendJSON(ctx, http.MethodPost, Expand("/v1/rooms/{room}/poll/vote", room), nil, req, &p)
}

// OpenPoll opens a viewers' poll on an alert in its room (POST
// /v1/alerts/{id}/poll; a compliance token).
func (c *Client) OpenPoll(ctx context.Context, alertID string, req PollRequest) (Poll, error) {
	var p Poll
	return p, c.sendJSON(ctx, http.MethodPost, Expand("/v1/alerts/{id}/poll", alertID), nil, req, &p)
}

// ClosePoll closes an alert's poll (POST /v1/alerts/{id}/poll/close): its
// result becomes visible to viewers.
func (c *Client) ClosePoll(ctx context.Context, alertID string) (Poll, error) {
	var p Poll
	return p, c.sendJSON(ctx, http.MethodPost, Expand("/v1/alerts/{id}/poll/close", alertID), nil, struct{}{}, &p)
}
