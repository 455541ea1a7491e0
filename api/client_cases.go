package api

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// Cases reads the case queue (GET /v1/cases; a compliance token).
func (c *Client) Cases(ctx context.Context, cq CaseQuery) (CaseList, error) {
	q := url.Values{}
	setNonEmpty(q, "category", cq.Category)
	setNonEmpty(q, "room", cq.Room)
	setNonEmpty(q, "anchor", cq.Anchor)
	setNonEmpty(q, "merchant", cq.Merchant)
	setNonEmpty(q, "assignee", cq.Assignee)
	setNonEmpty(q, "state", cq.State)
	if cq.Age > 0 {
		q.Set("age", cq.Age.String())
	}
	if cq.MinAge > 0 {
		q.Set("min_age", cq.MinAge.String())
	}
	if cq.Limit != 0 {
		q.Set("limit", strconv.Itoa(cq.Limit))
	}
	var l CaseList
	return l, c.getJSON(ctx, "/v1/cases", q, &l)
}

// Case returns one case with every hit (GET /v1/cases/{id}).
func (c *Client) Case(ctx context.Context, id string) (CaseView, error) {
	var v CaseView
	if err := needID("case", id); err != nil {
		return v, err
	}
	return v, c.getJSON(ctx, Expand("/v1/cases/{id}", id), nil, &v)
}

// CaseOf returns the case an alert is in (GET /v1/alerts/{id}/case).
func (c *Client) CaseOf(ctx context.Context, alertID string) (CaseView, error) {
	var v CaseView
	if err := needID("alert", alertID); err != nil {
		return v, err
	}
	return v, c.getJSON(ctx, Expand("/v1/alerts/{id}/case", alertID), nil, &v)
}

// CaseStats returns decision times per category (GET /v1/cases/stats).
func (c *Client) CaseStats(ctx context.Context) (CaseStats, error) {
	var s CaseStats
	return s, c.getJSON(ctx, "/v1/cases/stats", nil, &s)
}

// AssignCase assigns the case to the token's subject.
func (c *Client) AssignCase(ctx context.Context, id string) (Case, error) {
	var out Case
	if err := needID("case", id); err != nil {
		return out, err
	}
	return out, c.sendJSON(ctx, http.MethodPost, Expand("/v1/cases/{id}/assign", id), nil, CaseAssignRequest{}, &out)
}

// NoteCase adds a note to the case.
func (c *Client) NoteCase(ctx context.Context, id, text string) (Case, error) {
	var out Case
	if err := needID("case", id); err != nil {
		return out, err
	}
	return out, c.sendJSON(ctx, http.MethodPost, Expand("/v1/cases/{id}/notes", id), nil, CaseNoteRequest{Text: text}, &out)
}

// DecideCase confirms or dismisses the case.
func (c *Client) DecideCase(ctx context.Context, id string, req CaseDecisionRequest) (CaseView, error) {
	var out CaseView
	if err := needID("case", id); err != nil {
		return out, err
	}
	return out, c.sendJSON(ctx, http.MethodPost, Expand("/v1/cases/{id}/decision", id), nil, req, &out)
}

// DecideCases decides several cases at once (POST /v1/cases/decisions).
func (c *Client) DecideCases(ctx context.Context, req BulkDecisionRequest) (BulkDecisionResult, error) {
	var out BulkDecisionResult
	return out, c.sendJSON(ctx, http.MethodPost, "/v1/cases/decisions", nil, req, &out)
}

// Appeal files the anchor's appeal of a confirmed alert (POST
// /v1/alerts/{id}/appeal; the anchor token of the alert's room).
func (c *Client) Appeal(ctx context.Context, alertID, reason string) (Appeal, error) {
	var out Appeal
	if err := needID("alert", alertID); err != nil {
		return out, err
	}
	return out, c.sendJSON(ctx, http.MethodPost, Expand("/v1/alerts/{id}/appeal", alertID), nil, AppealRequest{Reason: reason}, &out)
}

// Appeals lists appeals in state ("" for all; GET /v1/appeals).
func (c *Client) Appeals(ctx context.Context, state string) ([]Appeal, error) {
	q := url.Values{}
	setNonEmpty(q, "state", state)
	var l AppealList
	return l.Appeals, c.getJSON(ctx, "/v1/appeals", q, &l)
}

// DecideAppeal upholds or overturns an appeal (POST
// /v1/appeals/{id}/decision; the id is the alert's).
func (c *Client) DecideAppeal(ctx context.Context, id string, req AppealDecisionRequest) (Appeal, error) {
	var out Appeal
	if err := needID("appeal", id); err != nil {
		return out, err
	}
	return out, c.sendJSON(ctx, http.MethodPost, Expand("/v1/appeals/{id}/decision", id), nil, req, &out)
}
