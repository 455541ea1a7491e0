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

// whipHandler is the WHIP server behind a redirect: a POST /whip/{room}
// for a room whose claim another ingest worker holds (cluster/placement)
// is answered 307 Temporary Redirect with Location on that worker's WHIP
// endpoint (RFC 9725 section 4.5 lets a WHIP endpoint redirect), so the
// publisher's audio goes to the worker that owns the room. A room nobody
// holds, or whose holder has no address to reach it by, is served here.
func (s *Service) whipHandler() http.Handler {
	if s.whip == nil {
		return nil
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if loc := s.whipOwner(r); loc != "" {
			w.Header().Set("Location", loc)
			w.WriteHeader(http.StatusTemporaryRedirect)
			return
		}
		s.whip.ServeHTTP(w, r)
	})
}

// whipOwner is the URL to redirect r to, or "".
func (s *Service) whipOwner(r *http.Request) string {
	p := s.roles.place
	if p == nil || r.Method != http.MethodPost {
		return ""
	}
	room, ok := strings.CutPrefix(r.URL.Path, "/whip/")
	if !ok || room == "" || strings.Contains(room, "/") {
		return ""
	}
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	holder, addr, err := p.Owner(ctx, room)
	if err != nil {
		s.log.Warn("whip: room owner not read; serving here", "room", room, "err", err)
		return ""
	}
	if holder == "" || holder == p.Holder() {
		return ""
	}
	host := dialable(addr)
	if host == "" {
		s.log.Warn("whip: the room's owner has no address to redirect to; serving here", "room", room, "owner", holder, "addr", addr)
		return ""
	}
	u := url.URL{Scheme: "http", Host: host, Path: r.URL.Path, RawQuery: r.URL.RawQuery}
	if r.TLS != nil {
		u.Scheme = "https"
	}
	return u.String()
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
