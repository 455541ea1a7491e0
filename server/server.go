package server

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/rooms"
	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/web"
)

// Rooms is the room registry the API drives.
type Rooms interface {
	StartAudio(room pipeline.Room, src ingest.Source, lossless bool) (session string, err error)
	Utterances(ctx context.Context, room pipeline.Room, hs []transcript.Hypothesis) ([]alerter.Alert, error)
	Rooms() []rooms.Status
	Room(id string) (rooms.Status, bool)
}

// AlertLog reads stored alerts back, a page at a time (*natsink.Log).
type AlertLog interface {
	Page(ctx context.Context, q natsink.Query) (natsink.Page, error)
}

// Options wires the API to the rest of the service.
type Options struct {
	Rooms  Rooms
	Alerts AlertLog
	// UploadDir holds uploaded audio while it is monitored.
	UploadDir string
	// MaxUpload bounds an uploaded WAV; default 1 GiB.
	MaxUpload int64
	// Metrics serves /metrics; nil serves nothing there.
	Metrics http.Handler
	// Transcripts serves transcript search and room timelines; nil serves
	// nothing there.
	Transcripts Transcripts
	// WHIP serves the WHIP routes of api.Routes (*whip.Server); nil serves
	// nothing there.
	WHIP   http.Handler
	Logger *slog.Logger

	// Tokens checks every token (*auth.Checker); nil answers 503 on the
	// routes that need one.
	Tokens Tokens
	// AllowAnonymous (http.require_tokens: false) lets requests without a
	// token call every route except those that record their author
	// (api.Access.Identity). A token that is sent is still checked.
	AllowAnonymous bool
	// PublicMetrics serves /metrics without a token (http.public_metrics).
	PublicMetrics bool
	// Revocations serves /v1/tokens (tokens.go); nil serves nothing there.
	Revocations Revoker
	// Webhooks serves /v1/webhooks (webhooks.go); nil serves nothing there.
	Webhooks Webhooks
	// AllowedHosts are the host names the Host header may carry besides IP
	// literals (browser.go); empty: localhost only.
	AllowedHosts []string
	// AllowOrigins may publish over WHIP from their pages (CORS and
	// cross-origin writes); "*" any origin; empty: none.
	AllowOrigins []string
	// Bus feeds live alerts, dispositions and reminders to /v1/events.
	Bus Bus
	// Dispositions and Lookup serve alert review (dispositions.go).
	Dispositions Dispositions
	Lookup       AlertLookup
	// Cases serves /v1/cases (cases.go); Appeals /v1/appeals and alert
	// appeals (appeals.go; without Dispositions and Lookup an appeal
	// answers no_dispositions); nil serves nothing there.
	Cases   CaseStore
	Appeals AppealStore
	// Escalations serves GET /v1/escalations (escalations.go); nil serves
	// nothing there.
	Escalations EscalationLog
	// Lexicons serves /v1/lexicons (lexicons.go); nil serves nothing there.
	Lexicons LexiconService
	// Trust serves /v1/trust (trust.go); nil serves nothing there.
	Trust TrustView
	// Reports takes viewer reports and runs polls (reports.go); nil
	// serves nothing there.
	Reports Reports
	// Links serves bans and the links view (links.go); nil serves nothing
	// there.
	Links LinkService
	// Ready are the checks of GET /readyz (readiness.go).
	Ready []ReadyCheck
	// Only, when set, serves just the routes it admits, whatever else is
	// configured: an ingest worker without the api role serves health,
	// readiness, metrics and WHIP (WorkerRoute).
	Only func(api.Route) bool

	// Limits bound bodies, reads, uploads and request rates (limits.go).
	Limits Limits
	// TokenRole verifies a token and names its role, so rate limits charge
	// a verified token's own bucket; nil charges every request to its
	// address.
	TokenRole func(token string, now time.Time) (role string, err error)
}

// Server is the HTTP API.
type Server struct {
	opts    Options
	mux     *http.ServeMux
	handler http.Handler // mux behind the browser checks (browser.go)
	streams *streams     // open event feeds, ended on shutdown
	// served are the routes of api.Routes this server answers; unlisted
	// the handlers without a table entry (a bug TestRouteTable catches).
	served   []api.Route
	unlisted []string
	limits   Limits   // opts.Limits with defaults
	limiter  *limiter // upload slots and rate buckets (limits.go)
}

// New builds the API's handler.
func New(opts Options) *Server {
	if opts.MaxUpload <= 0 {
		opts.MaxUpload = 1 << 30
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Server{opts: opts, mux: http.NewServeMux(), streams: newStreams(), limits: opts.Limits.withDefaults()}
	s.limiter = newLimiter(s.limits)
	s.routes()
	s.handler = s.front(s.unrouted(s.mux)) // unrouted.go
	return s
}

// routes registers the handlers against api.Routes: a route is served when
// its feature is configured, always through limit (its body cap, read
// deadline and rate limit) and then guard, which applies its Access.
func (s *Server) routes() {
	hs := s.handlers()
	for _, rt := range api.Routes {
		h, ok := hs[rt.Pattern()]
		if !ok || !s.serves(rt) {
			continue
		}
		delete(hs, rt.Pattern())
		h = s.limit(rt, s.guard(rt, accepts(rt, h))) // limits.go, guard.go, browser.go
		if c := s.corsFor(rt); c != nil {
			h = c(h)
		}
		s.mux.Handle(rt.Pattern(), h)
		s.served = append(s.served, rt)
	}
	for p := range hs {
		if rt, ok := routeOf(p); !ok || s.serves(rt) {
			s.unlisted = append(s.unlisted, p)
		}
	}
	slices.Sort(s.unlisted)
}

// handlers maps each route pattern to its handler.
func (s *Server) handlers() map[string]http.Handler {
	static := web.Static()
	hs := map[string]http.HandlerFunc{
		"GET /healthz": func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusOK, api.Health{Status: "ok", Warnings: s.warnings()})
		},
		"GET /readyz":                           s.readyz, // readiness.go
		"POST /v1/rooms/{room}/audio":           s.postAudio,
		"POST /v1/rooms/{room}/utterances":      s.postUtterances,
		"GET /v1/rooms":                         s.listRooms,
		"GET /v1/rooms/{room}":                  s.getRoom,
		"POST /v1/rooms":                        s.postRoom, // rooms_api.go
		"DELETE /v1/rooms/{room}":               s.deleteRoom,
		"GET /v1/rooms/{room}/timeline":         s.roomTimeline,       // transcripts.go
		"GET /v1/alerts":                        s.listAlertsReviewed, // dispositions.go
		"GET /v1/alerts/{id}":                   s.getAlert,
		"POST /v1/alerts/{id}/disposition":      s.postDisposition,
		"GET /v1/alerts/{id}/clip":              s.getClip,    // evidence.go
		"POST /v1/alerts/{id}/appeal":           s.postAppeal, // appeals.go
		"GET /v1/appeals":                       s.listAppeals,
		"POST /v1/appeals/{id}/decision":        s.decideAppeal,
		"GET /v1/cases":                         s.listCases, // cases.go
		"GET /v1/cases/stats":                   s.caseStats,
		"GET /v1/cases/{id}":                    s.getCase,
		"GET /v1/alerts/{id}/case":              s.getAlertCase,
		"POST /v1/cases/{id}/assign":            s.assignCase,
		"POST /v1/cases/{id}/notes":             s.noteCase,
		"POST /v1/cases/{id}/decision":          s.decideCase,
		"POST /v1/cases/decisions":              s.decideCases,
		"GET /v1/escalations":                   s.listEscalations, // escalations.go
		"GET /v1/events/alerts":                 s.alertEvents,     // events.go
		"GET /v1/events/rooms/{room}/reminders": s.reminderEvents,
		"GET /v1/transcripts":                   s.searchTranscripts,
		"GET /v1/transcripts/{id}":              s.getTranscript,
		"GET /v1/lexicons/schema":               s.getLexiconSchema, // schema.go
		"GET /v1/lexicons/active":               s.getActiveLexicon, // lexicons.go, lexicons_edit.go
		"GET /v1/lexicons":                      s.listLexicons,
		"GET /v1/lexicons/audit":                s.lexiconAudit,
		"GET /v1/lexicons/{version}":            s.getLexicon,
		"GET /v1/lexicons/{version}/diff":       s.diffLexicon,
		"POST /v1/lexicons/validate":            s.validateLexicon,
		"POST /v1/lexicons/test":                s.testLexicon,
		"POST /v1/lexicons/backtest":            s.backtestLexicon,
		"POST /v1/lexicons/import":              s.importLexicon,
		"POST /v1/lexicons":                     s.publishLexicon,
		"POST /v1/lexicons/rollback":            s.rollbackLexicon,
		"POST /v1/session":                      s.postSession, // session.go
		"GET /v1/session":                       s.getSession,
		"DELETE /v1/session":                    s.deleteSession,
		"POST /v1/tokens/revoke":                s.revokeToken, // tokens.go
		"GET /v1/tokens/revoked":                s.listRevoked,
		"GET /v1/trust/anchors":                 s.trustAnchors, // trust.go
		"GET /v1/trust/anchors/{id}":            s.trustAnchor,
		"GET /v1/trust/merchants":               s.trustMerchants,
		"GET /v1/trust/merchants/{id}":          s.trustMerchant,

		"POST /v1/webhooks":                                      s.postWebhook, // webhooks.go
		"GET /v1/webhooks":                                       s.listWebhooks,
		"GET /v1/webhooks/{id}":                                  s.getWebhook,
		"DELETE /v1/webhooks/{id}":                               s.deleteWebhook,
		"GET /v1/webhooks/{id}/deliveries":                       s.listDeliveries,
		"GET /v1/webhooks/{id}/deliveries/{delivery}":            s.getDelivery,
		"POST /v1/webhooks/{id}/deliveries/{delivery}/redeliver": s.redeliver,
		"POST /v1/rooms/{room}/reports":                          s.postReport, // reports.go
		"GET /v1/rooms/{room}/poll":                              s.getRoomPoll,
		"POST /v1/rooms/{room}/poll/vote":                        s.postVote,
		"POST /v1/alerts/{id}/poll":                              s.postPoll,
		"POST /v1/alerts/{id}/poll/close":                        s.closePoll,
	}
	out := map[string]http.Handler{
		"GET /{$}":            pageHeaders(servePage(static, "index.html")), // pages.go
		"GET /lexicon":        pageHeaders(servePage(static, "editor.html")),
		"GET /trust":          pageHeaders(servePage(static, "trust.html")),
		"GET /overlay/{room}": pageHeaders(s.overlayPage(static)),
		"GET /widget/{room}":  widgetHeaders(s.widgetPage(static), s.opts.AllowOrigins), // pages.go
		"GET /static/":        pageHeaders(http.StripPrefix("/static/", http.FileServerFS(static))),
	}
	for p, h := range hs {
		out[p] = h
	}
	for p, h := range s.linkHandlers() { // links.go
		out[p] = h
	}
	if s.opts.Metrics != nil {
		out["GET /metrics"] = s.opts.Metrics
	}
	if s.opts.WHIP != nil {
		// The WHIP server routes by method and path itself (RFC 9725).
		for _, p := range []string{"POST /whip/{room}", "OPTIONS /whip/{room}",
			"PATCH /whip/{room}/{session}", "DELETE /whip/{room}/{session}", "OPTIONS /whip/{room}/{session}"} {
			out[p] = s.opts.WHIP
		}
	}
	return out
}

func routeOf(pattern string) (api.Route, bool) {
	method, path, _ := strings.Cut(pattern, " ")
	return api.RouteOf(method, path)
}

// serves reports whether this server answers rt: its feature is
// configured and Options.Only, if set, admits it.
func (s *Server) serves(rt api.Route) bool {
	return s.enabled(rt.Feature) && (s.opts.Only == nil || s.opts.Only(rt))
}

// WorkerRoute admits what an ingest worker without the api role serves:
// its health and readiness, its metrics and the WHIP sessions of the rooms
// it owns (api nodes send publishers there: 307 or forwarding).
func WorkerRoute(rt api.Route) bool {
	return rt.Feature == api.FeatureWHIP || rt.Feature == api.FeatureMetrics ||
		(rt.Method == http.MethodGet && (rt.Path == "/healthz" || rt.Path == "/readyz"))
}

// enabled reports whether the option a feature needs is set.
func (s *Server) enabled(f api.Feature) bool {
	switch f {
	case "":
		return true
	case api.FeatureMetrics:
		return s.opts.Metrics != nil
	case api.FeatureTranscripts:
		return s.opts.Transcripts != nil
	case api.FeatureLexicons:
		return s.opts.Lexicons != nil
	case api.FeatureWHIP:
		return s.opts.WHIP != nil
	case api.FeatureRevocation:
		return s.opts.Revocations != nil
	case api.FeatureCases:
		return s.opts.Cases != nil
	case api.FeatureAppeals:
		return s.opts.Appeals != nil
	case api.FeatureEscalations:
		return s.opts.Escalations != nil
	case api.FeatureTrust:
		return s.opts.Trust != nil
	case api.FeatureWebhooks:
		return s.opts.Webhooks != nil
	case api.FeatureReports:
		return s.opts.Reports != nil
	case api.FeatureLinks:
		return s.opts.Links != nil
	}
	return false
}

// Unlisted names the handlers that have no api.Routes entry (a bug: the
// route table and the authorization matrix would not know them).
func (s *Server) Unlisted() []string { return slices.Clone(s.unlisted) }

// Routes returns the routes this server answers, in api.Routes order.
func (s *Server) Routes() []api.Route { return slices.Clone(s.served) }

// ServeHTTP recovers from handler panics so one bad request cannot take the
// process down; a recovered panic is a bug and is logged as one.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.opts.Logger.Error("panic in handler", "path", r.URL.Path, "panic", v)
			writeError(w, api.CodeInternal, "internal error")
		}
	}()
	s.handler.ServeHTTP(w, r)
}

// HTTPServer returns an *http.Server with the timeouts of Options.Limits:
// a client that sends its headers or body too slowly, or idles, is cut off;
// uploads and event feeds move their own read deadline (limits.go). The
// caller bounds concurrent connections on its listener.
func (s *Server) HTTPServer(addr string) *http.Server {
	srv := &http.Server{
		Addr: addr, Handler: s,
		ReadHeaderTimeout: s.limits.ReadHeaderTimeout,
		ReadTimeout:       s.limits.ReadTimeout,
		IdleTimeout:       s.limits.IdleTimeout,
		MaxHeaderBytes:    s.limits.MaxHeaderBytes,
	}
	srv.RegisterOnShutdown(s.streams.close)
	return srv
}
