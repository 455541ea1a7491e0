package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/rooms"
	"github.com/earshot/earshot/transcript"
)

// Rooms is the room registry the API drives.
type Rooms interface {
	StartAudio(room pipeline.Room, src ingest.Source, lossless bool) (session string, err error)
	Utterances(ctx context.Context, room pipeline.Room, hs []transcript.Hypothesis) ([]alerter.Alert, error)
	Rooms() []rooms.Status
	Room(id string) (rooms.Status, bool)
}

// AlertLog reads stored alerts back.
type AlertLog interface {
	Alerts(ctx context.Context, q natsink.Query) ([]alerter.Alert, error)
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
	// Mount adds more routes (WHIP, pages) to the same mux.
	Mount  func(mux *http.ServeMux)
	Logger *slog.Logger

	// RequireTokens makes the alert log, transcripts and room API demand a
	// compliance or policy token. Off by default: platforms often call
	// these from inside their own network.
	RequireTokens bool
	// Tokens checks tokens of the event feeds and alert review
	// (events.go, dispositions.go); nil refuses them with 503.
	Tokens Tokens
	// Bus feeds live alerts, dispositions and reminders to /v1/events.
	Bus Bus
	// Dispositions and Lookup serve alert review (dispositions.go).
	Dispositions Dispositions
	Lookup       AlertLookup
	// Lexicons serves /v1/lexicons (lexicons.go); nil serves nothing there.
	Lexicons LexiconService
}

// Server is the HTTP API.
type Server struct {
	opts    Options
	mux     *http.ServeMux
	streams *streams // open event feeds, ended on shutdown
}

// New builds the API's handler.
func New(opts Options) *Server {
	if opts.MaxUpload <= 0 {
		opts.MaxUpload = 1 << 30
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Server{opts: opts, mux: http.NewServeMux(), streams: newStreams()}
	s.routes()
	return s
}

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	if s.opts.Metrics != nil {
		m.Handle("GET /metrics", s.opts.Metrics)
	}
	m.HandleFunc("POST /v1/rooms/{room}/audio", s.postAudio)
	m.HandleFunc("POST /v1/rooms/{room}/utterances", s.postUtterances)
	m.HandleFunc("GET /v1/rooms", s.listRooms)
	m.HandleFunc("GET /v1/rooms/{room}", s.getRoom)
	m.HandleFunc("GET /v1/alerts", s.listAlertsReviewed)
	s.eventRoutes(m)
	s.dispositionRoutes(m)
	s.pageRoutes(m)
	s.roomAdminRoutes(m) // POST/DELETE /v1/rooms, evidence clips (rooms_api.go)
	s.lexiconRoutes(m)   // /v1/lexicons: versions, editor, backtest (lexicons.go)
	s.transcriptRoutes(m)
	if s.opts.Mount != nil {
		s.opts.Mount(m)
	}
}

// ServeHTTP recovers from handler panics so one bad request cannot take the
// process down; a recovered panic is a bug and is logged as one.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.opts.Logger.Error("panic in handler", "path", r.URL.Path, "panic", v)
			writeError(w, http.StatusInternalServerError, "internal", "internal error")
		}
	}()
	if s.opts.RequireTokens && staffOnly(r) && !s.staff(w, r) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

// HTTPServer returns an *http.Server with timeouts suited to long uploads
// and slow clients.
func (s *Server) HTTPServer(addr string) *http.Server {
	srv := &http.Server{
		Addr: addr, Handler: s,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	srv.RegisterOnShutdown(s.streams.close)
	return srv
}
