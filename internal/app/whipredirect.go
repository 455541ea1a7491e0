package app

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// whipHandler is the WHIP server behind the room's claim (cluster/
// placement). On an ingest worker a POST /whip/{room} takes the room's
// claim for the publisher's session (whipclaim.go), or, when another
// ingest worker holds it, is answered 307 Temporary Redirect with
// Location on that worker's WHIP endpoint (RFC 9725 section 4.5 lets a
// WHIP endpoint redirect), so the publisher's audio goes to the one worker
// that owns the room. A pulled room's publishers go to its puller (which
// refuses them, as a single process does). A node without the ingest role
// never ingests a publisher: it redirects to the room's owner, or to the
// least loaded ingest worker when nobody owns the room (sendWHIP).
func (s *Service) whipHandler() http.Handler {
	if s.whip == nil {
		return nil
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		room, post := whipPost(r)
		p := s.roles.place
		switch {
		case post && p == nil && s.roles.view != nil:
			s.sendWHIP(w, r, room) // no ingest here: never served on this node
			return
		case !post || p == nil:
		case s.reg.Pulled(room):
			if holder, addr := s.whipOwner(r, room); holder != "" && s.redirectWHIP(w, r, holder, addr) {
				return
			}
		default:
			done, ok := s.claimForWHIP(w, r, room)
			if !ok {
				return
			}
			defer done()
		}
		s.whip.ServeHTTP(w, r)
	})
}

// sendWHIP answers a publisher's POST on a node without the ingest role:
// 307 to the worker holding the room's claim, or, when nobody holds it, to
// the least loaded live ingest worker (which takes the claim as the offer
// arrives); 503 when no worker can be named.
func (s *Service) sendWHIP(w http.ResponseWriter, r *http.Request, room string) {
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	holder, addr, err := s.roles.view.Owner(ctx, room)
	if err == nil && holder != "" && s.redirectWHIP(w, r, holder, addr) {
		return
	}
	if err == nil && holder == "" {
		workers, werr := s.roles.view.Workers(ctx)
		for _, wk := range workers {
			if s.redirectWHIP(w, r, wk.Holder, wk.Addr) {
				return
			}
		}
		err = werr
	}
	if err != nil {
		s.log.Warn("whip: room owner not read", "room", room, "err", err)
	}
	w.Header().Set("Retry-After", "1")
	http.Error(w, "whip: no ingest worker can take this room now; try again", http.StatusServiceUnavailable)
}

// whipPost is the room of a WHIP POST (the endpoint, not a session).
func whipPost(r *http.Request) (room string, ok bool) {
	room, ok = strings.CutPrefix(r.URL.Path, "/whip/")
	if !ok || r.Method != http.MethodPost || room == "" || strings.Contains(room, "/") {
		return "", false
	}
	return room, true
}

// whipOwner is the other worker holding room's claim and its address, or
// "" (nobody, this worker, or the claim not read).
func (s *Service) whipOwner(r *http.Request, room string) (holder, addr string) {
	p := s.roles.place
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	holder, addr, err := p.Owner(ctx, room)
	if err != nil {
		s.log.Warn("whip: room owner not read; serving here", "room", room, "err", err)
		return "", ""
	}
	if holder == p.Holder() {
		return "", ""
	}
	return holder, addr
}

// redirectWHIP answers 307 to holder's WHIP endpoint for r, keeping the
// path and query, or forwards a browser's offer there (whipforward.go);
// false (nothing written) when holder has no address to redirect to or
// cannot be reached.
func (s *Service) redirectWHIP(w http.ResponseWriter, r *http.Request, holder, addr string) bool {
	host := dialable(addr)
	if host == "" {
		s.log.Warn("whip: the room's owner has no address to redirect to", "path", r.URL.Path, "owner", holder, "addr", addr)
		return false
	}
	u := url.URL{Scheme: "http", Host: host, Path: r.URL.Path, RawQuery: r.URL.RawQuery}
	if r.TLS != nil {
		u.Scheme = "https"
	}
	if fromBrowser(r) { // a browser would drop its token on the way (whipforward.go)
		return s.forwardWHIP(w, r, &u)
	}
	w.Header().Set("Location", u.String())
	w.WriteHeader(http.StatusTemporaryRedirect)
	return true
}

// dialable turns a listen address into one another host can dial: a
// wildcard host becomes this machine's name; port 0 (not resolved) is "".
func dialable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" || port == "0" {
		return ""
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		name, err := os.Hostname()
		if err != nil {
			return ""
		}
		host = name
	}
	return net.JoinHostPort(host, port)
}
