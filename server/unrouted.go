package server

import (
	"fmt"
	"net/http"

	"github.com/earshot/earshot/api"
)

// unrouted answers the requests no route takes (the mux's plain-text 404
// and 405) in the API's JSON error shape, naming the path and, for a
// method the path does not take, the methods it does (also in Allow).
// Routed requests go on to next untouched.
func (s *Server) unrouted(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := s.mux.Handler(r)
		if pattern != "" { // a route, or the mux's redirect to a clean path
			next.ServeHTTP(w, r)
			return
		}
		// The mux's own answer says which it is and sets Allow.
		probe := &statusOnly{header: http.Header{}}
		h.ServeHTTP(probe, r)
		switch probe.status {
		case http.StatusMethodNotAllowed:
			allow := probe.header.Get("Allow")
			w.Header().Set("Allow", allow)
			writeError(w, api.CodeMethodNotAllowed, fmt.Sprintf("%s %s: this path takes %s", r.Method, r.URL.Path, allow))
		case http.StatusNotFound:
			writeError(w, api.CodeNoRoute, fmt.Sprintf("%s %s: no route has this path (the README's HTTP API table lists them)", r.Method, r.URL.Path))
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// statusOnly keeps the status and headers of a handler's answer and drops
// its body.
type statusOnly struct {
	header http.Header
	status int
}

func (p *statusOnly) Header() http.Header { return p.header }

func (p *statusOnly) WriteHeader(code int) {
	if p.status == 0 {
		p.status = code
	}
}

func (p *statusOnly) Write(b []byte) (int, error) {
	p.WriteHeader(http.StatusOK)
	return len(b), nil
}
