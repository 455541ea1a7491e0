package server

import (
	"mime"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/rs/cors"

	"github.com/earshot/earshot/api"
)

// What keeps a browser from being turned against the API: every response
// says how it may be used (headers), a Host the server does not answer for
// is refused (DNS rebinding), a cross-origin write is refused unless its
// origin is configured (CrossOriginProtection, which reads Sec-Fetch-Site
// and Origin), a body must have one of its route's types (a form or a
// "simple" fetch cannot send them), and CORS is answered only on the WHIP
// routes, only for http.allow_origin. Tokens travel in headers or the
// pages' HttpOnly SameSite=Strict cookie, never in URLs (session.go).

// apiCSP is the policy of every answer that is not a page: JSON, audio and
// event streams must never run anything or be framed.
const apiCSP = "default-src 'none'; frame-ancestors 'none'"

// front wraps the mux with the checks every request goes through.
func (s *Server) front(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	for _, o := range s.opts.AllowOrigins {
		if o == "*" {
			// Any origin may publish over WHIP; its bearer token is the
			// authorization, and no cookie is ever sent there cross-site.
			for _, rt := range api.Routes {
				if rt.Feature == api.FeatureWHIP {
					cop.AddInsecureBypassPattern(rt.Pattern())
				}
			}
			continue
		}
		if err := cop.AddTrustedOrigin(o); err != nil {
			s.opts.Logger.Warn("http.allow_origin: ignoring an origin that is not scheme://host[:port]", "origin", o, "err", err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, api.CodeCrossOrigin, r.Method+" "+r.URL.Path+" from another origin ("+r.Header.Get("Origin")+
			") is refused: add it to http.allow_origin if it should publish over WHIP")
	}))
	guarded := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", apiCSP) // pages replace it with theirs (pages.go)
		if !s.hostAllowed(r.Host) && r.URL.Path != "/healthz" && r.URL.Path != "/readyz" {
			writeError(w, api.CodeUnknownHost, "this server does not answer for host "+r.Host+" (http.allowed_hosts)")
			return
		}
		guarded.ServeHTTP(w, r)
	})
}

// hostAllowed: an IP literal is always allowed (a rebinding attack needs a
// DNS name: a page can only make the browser send Host: 127.0.0.1 from the
// origin http://127.0.0.1, which is this server's own); a name must be in
// Options.AllowedHosts ("*.example.com" matches its subdomains, "*"
// everything), or be localhost when none is configured.
func (s *Server) hostAllowed(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if host == "" || net.ParseIP(host) != nil {
		return true
	}
	names := s.opts.AllowedHosts
	if len(names) == 0 {
		names = []string{"localhost"}
	}
	for _, n := range names {
		n = strings.ToLower(n)
		switch {
		case n == "*" || n == host:
			return true
		case strings.HasPrefix(n, "*.") && strings.HasSuffix(host, n[1:]):
			return true
		}
	}
	return false
}

// accepts refuses a body whose type the route does not take (api.Route.Body).
func accepts(rt api.Route, h http.Handler) http.Handler {
	if len(rt.Body) == 0 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if !slices.Contains(rt.Body, strings.ToLower(mt)) {
			got := "no Content-Type"
			if mt != "" {
				got = "Content-Type " + mt
			}
			writeError(w, api.CodeUnsupportedMedia, rt.Pattern()+" takes "+strings.Join(rt.Body, " or ")+", not "+got)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// corsFor answers CORS on the WHIP routes for Options.AllowOrigins (RFC
// 9725 Section 4.1: a page on another origin publishes with a pre-flight,
// and reads Location and ETag to PATCH and DELETE its session); nil when
// no origin is configured.
func (s *Server) corsFor(rt api.Route) func(http.Handler) http.Handler {
	if rt.Feature != api.FeatureWHIP || len(s.opts.AllowOrigins) == 0 {
		return nil
	}
	return cors.New(cors.Options{
		AllowedOrigins: s.opts.AllowOrigins,
		AllowedMethods: []string{http.MethodPost, http.MethodPatch, http.MethodDelete, http.MethodOptions},
		AllowedHeaders: []string{"Authorization", "Content-Type", "If-Match"},
		ExposedHeaders: []string{"Location", "ETag", "Link", "Accept-Patch"},
		MaxAge:         600,
	}).Handler
}
