package server

import (
	"net/http"
	"time"

	"github.com/earshot/earshot/api"
)

// guard applies the part of a route's api.Access that is the same for every
// handler: with Options.RequireTokens, AnyStaff routes need a compliance or
// policy token. Compliance, Policy and AnchorOfRoom routes check their token
// in the handler, after validating what names the resource (the room of a
// reminder feed), so a client learns about a malformed path before it
// learns about its token; TestRoutesRefuseWithoutToken holds every route to
// its Access either way.
func (s *Server) guard(rt api.Route, h http.Handler) http.Handler {
	if rt.Access != api.AnyStaff || !s.opts.RequireTokens {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.staff(w, r) {
			h.ServeHTTP(w, r)
		}
	})
}

// staff admits compliance and policy role tokens.
func (s *Server) staff(w http.ResponseWriter, r *http.Request) bool {
	return s.authorize(w, r, "this API (earshot token --role compliance)", func(tok string, now time.Time) error {
		if err := s.opts.Tokens.AllowRole(tok, "compliance", now); err == nil {
			return nil
		}
		return s.opts.Tokens.AllowRole(tok, "policy", now)
	})
}
