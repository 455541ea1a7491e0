package server

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/auth"
)

// Tokens checks a bearer token: signature, expiry, claims and revocation
// (*auth.Checker).
type Tokens interface {
	Check(token string, now time.Time) (auth.Claims, error)
}

// guard applies a route's api.Access before its handler runs, the same way
// for every route: a route that takes a token answers 401 without a valid
// one (missing, malformed, forged, expired, revoked) and 403 to a token
// whose role, or anchor room, the route does not admit. The handler finds
// the token's claims with claimsOf. With Options.AllowAnonymous a request
// without a token passes, except on routes that record their author.
func (s *Server) guard(rt api.Route, h http.Handler) http.Handler {
	a := rt.Access
	if rt.Feature == api.FeatureMetrics && s.opts.PublicMetrics {
		a = api.Public
	}
	if !a.NeedsToken() {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := s.authenticate(w, r, rt, a)
		if ok {
			h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), claimsKey{}, c)))
		}
	})
}

// authenticate answers 401/403/503 and returns false unless the request's
// token opens route rt; a request without a token on a server that allows
// anonymous calls returns zero claims.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, rt api.Route, a api.Access) (auth.Claims, bool) {
	tok := requestToken(r, rt)
	if tok == "" {
		if s.opts.AllowAnonymous && !a.Identity {
			return auth.Claims{}, true
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="earshot"`)
		writeError(w, api.CodeUnauthorized, rt.Pattern()+" needs a token of "+a.String()+
			" (earshot token): send Authorization: Bearer TOKEN")
		return auth.Claims{}, false
	}
	if s.opts.Tokens == nil {
		writeError(w, api.CodeNoAuth, "this server has no token verifier configured")
		return auth.Claims{}, false
	}
	c, err := s.opts.Tokens.Check(tok, time.Now())
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="earshot", error="invalid_token"`)
		writeError(w, api.CodeUnauthorized, "token rejected: "+reason(err))
		return auth.Claims{}, false
	}
	if !a.Admits(c.Role, c.Room, r.PathValue("room")) {
		what := "a " + string(c.Role) + " token"
		if c.Role == api.RoleAnchor {
			what = "the anchor token of room " + c.Room
		}
		writeError(w, api.CodeForbidden, what+" does not grant "+rt.Pattern()+" (it needs "+a.String()+")")
		return auth.Claims{}, false
	}
	return c, true
}

// reason names why a token was refused without repeating it.
func reason(err error) string {
	for _, e := range []error{auth.ErrRevoked, auth.ErrExpired, auth.ErrSignature, auth.ErrMalformed, auth.ErrInvalid} {
		if errors.Is(err, e) {
			return err.Error()
		}
	}
	return "it does not verify"
}

// requestToken is the bearer token of the Authorization header, else the
// token cookie a page signed in with (session.go): the room cookie first on
// the routes an anchor calls. URLs never carry tokens: they end up in
// logs, histories and Referer headers.
func requestToken(r *http.Request, rt api.Route) string {
	if t := auth.Bearer(r.Header.Get("Authorization")); t != "" {
		return t
	}
	names := []string{cookieStaff}
	if rt.Access.Anchor {
		names = []string{cookieRoom, cookieStaff}
	}
	for _, name := range names {
		if c, err := r.Cookie(name); err == nil && c.Value != "" {
			return c.Value
		}
	}
	return ""
}

// WarnNoTokens is the warning /healthz (and the console) shows while
// tokens are not required.
const WarnNoTokens = "http.require_tokens is false: the API answers requests without a token"

// warnings are the insecure settings in force.
func (s *Server) warnings() []string {
	if s.opts.AllowAnonymous {
		return []string{WarnNoTokens}
	}
	return nil
}

// presentedToken is whatever token the request carries (header, either
// cookie), for the rate limiter, which runs before the route is known.
func presentedToken(r *http.Request) string {
	return requestToken(r, api.Route{Access: api.AnchorOr()})
}

type claimsKey struct{}

// claimsOf returns the claims of the request's token; ok is false for an
// anonymous request (Options.AllowAnonymous).
func claimsOf(r *http.Request) (auth.Claims, bool) {
	c, ok := r.Context().Value(claimsKey{}).(auth.Claims)
	return c, ok && c.Subject != ""
}
