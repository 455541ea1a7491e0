package server

import (
	"net/http"
	"strings"
	"time"
)

// staffRoutes are the API paths that read or change compliance data: the
// alert log, transcripts, the room registry, uploads and text feeds. With
// Options.RequireTokens they need a staff token. Routes with checks of their
// own (event feeds, dispositions, WHIP, the overlay, lexicon publishing) and
// pages, health and metrics are not listed.
var staffRoutes = []string{"/v1/alerts", "/v1/transcripts", "/v1/rooms"}

func staffOnly(r *http.Request) bool {
	for _, p := range staffRoutes {
		if r.URL.Path == p || strings.HasPrefix(r.URL.Path, p+"/") {
			return true
		}
	}
	return false
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
