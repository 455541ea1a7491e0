package server

import (
	"net/http"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/auth"
)

// The cookies a signed-in page's requests carry. A page reads its token
// from the URL fragment (never sent to a server, never logged) and hands
// it to POST /v1/session, which turns it into an HttpOnly cookie: the
// page's script never keeps it, and EventSource and <audio>, which cannot
// set headers, send it by themselves. SameSite=Strict keeps other sites'
// requests from carrying it; CrossOriginProtection and the JSON content
// type (browser.go) refuse cross-origin writes besides.
const (
	// cookieStaff holds every token but an anchor's, for the whole site.
	cookieStaff = "earshot_token"
	// cookieRoom holds an anchor's token, sent only to the room's reminder
	// feed, so an overlay and a console open in one browser do not sign
	// each other out.
	cookieRoom = "earshot_room"
)

// postSession signs a page in with the request's (Authorization) token.
func (s *Server) postSession(w http.ResponseWriter, r *http.Request) {
	c, ok := claimsOf(r)
	if !ok {
		writeError(w, api.CodeUnauthorized, "POST /v1/session needs a token in Authorization: Bearer")
		return
	}
	name, path := cookieStaff, "/"
	if c.Role == api.RoleAnchor {
		name, path = cookieRoom, api.Expand("/v1/events/rooms/{room}/reminders", c.Room)
	}
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: auth.Bearer(r.Header.Get("Authorization")), Path: path,
		Expires: c.Expires(), MaxAge: int(time.Until(c.Expires()).Seconds()),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, wireSession(c))
}

// getSession says who the request's token names.
func (s *Server) getSession(w http.ResponseWriter, r *http.Request) {
	c, ok := claimsOf(r)
	if !ok {
		writeError(w, api.CodeUnauthorized, "no token: sign in with POST /v1/session")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, wireSession(c))
}

// deleteSession signs a page out: both cookies expire (the room cookie of
// ?room=, which names the feed path it was set for).
func (s *Server) deleteSession(w http.ResponseWriter, r *http.Request) {
	clear := func(name, path string) {
		http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: path, MaxAge: -1,
			HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	}
	clear(cookieStaff, "/")
	if room := r.URL.Query().Get("room"); room != "" {
		if err := alerter.ValidRoomID(room); err != nil {
			writeError(w, api.CodeBadRoom, err.Error())
			return
		}
		clear(cookieRoom, api.Expand("/v1/events/rooms/{room}/reminders", room))
	}
	w.WriteHeader(http.StatusNoContent)
}

func wireSession(c auth.Claims) api.Session {
	return api.Session{Subject: c.Subject, Role: c.Role, Room: c.Room, ID: c.ID, Expires: c.Expires()}
}
