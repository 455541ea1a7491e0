package server

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/auth"
)

// Revoker stores revocations where every node applies them
// (*revocation.Store).
type Revoker interface {
	Revoke(ctx context.Context, r auth.Revocation) (auth.Revocation, error)
	List() *auth.Revocations
}

// revokeToken is POST /v1/tokens/revoke: by id or by subject, recorded
// with the admin token's subject.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	c, _ := claimsOf(r) // an Identity route: the guard has a token
	var req api.RevokeRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, api.CodeBadRequest, `body: want {"id": "..."} or {"subject": "..."}, with an optional "reason": `+err.Error())
		return
	}
	rev := auth.Revocation{Kind: auth.RevokeID, Value: req.ID, By: c.Subject, Reason: req.Reason}
	switch {
	case (req.ID == "") == (req.Subject == ""):
		writeError(w, api.CodeBadRequest, "give exactly one of id and subject")
		return
	case req.Subject != "":
		rev.Kind, rev.Value = auth.RevokeSubject, req.Subject
	}
	rev.At = time.Now() // the store stamps its own time; this one only validates
	if err := rev.Validate(); err != nil {
		writeError(w, api.CodeBadRequest, err.Error())
		return
	}
	stored, err := s.opts.Revocations.Revoke(r.Context(), rev)
	if err != nil {
		writeError(w, api.CodeRevocations, err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, wireRevocation(stored))
}

// listRevoked is GET /v1/tokens/revoked.
func (s *Server) listRevoked(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, api.RevocationList{Revocations: each(s.opts.Revocations.List().List(), wireRevocation)})
}

func wireRevocation(r auth.Revocation) api.Revocation {
	return api.Revocation{Kind: string(r.Kind), Value: r.Value, At: r.At, By: r.By, Reason: r.Reason}
}
