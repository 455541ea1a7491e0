package api

import (
	"context"
	"errors"
	"net/http"
)

// Revoke revokes a token by id, or every token of a subject issued until
// now (POST /v1/tokens/revoke; an admin token). Every node applies it.
func (c *Client) Revoke(ctx context.Context, req RevokeRequest) (Revocation, error) {
	var r Revocation
	if (req.ID == "") == (req.Subject == "") {
		return r, errors.New("api: revoke: give exactly one of id and subject")
	}
	return r, c.sendJSON(ctx, http.MethodPost, "/v1/tokens/revoke", nil, req, &r)
}

// Revoked lists the revocations, oldest first (GET /v1/tokens/revoked; an
// admin token).
func (c *Client) Revoked(ctx context.Context) ([]Revocation, error) {
	var l RevocationList
	return l.Revocations, c.getJSON(ctx, "/v1/tokens/revoked", nil, &l)
}
