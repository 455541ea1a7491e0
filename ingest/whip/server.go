package whip

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/earshot/earshot/ingest/internal/webrtcaudio"
)

// Server is the WHIP endpoint (RFC 9725): an http.Handler for
// POST {Prefix}{room} (the WHIP endpoint) and PATCH/DELETE
// {Prefix}{room}/{id} (the WHIP session resource). One publisher per room.
type Server struct {
	cfg Config
	api *webrtcaudio.API // built once, shared by every session
	log *slog.Logger

	mu       sync.Mutex
	rooms    map[string]*Session // room -> live publisher
	sessions map[string]*Session // id -> session
	closed   bool
}

var roomRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// New builds a Server. Close it to end every session and release the
// shared UDP socket.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	api, err := webrtcaudio.NewAPI(cfg.apiConfig())
	if err != nil {
		return nil, fmt.Errorf("whip: %w", err)
	}
	return &Server{
		cfg: cfg, api: api,
		log:   cfg.Logger.With("component", "whip"),
		rooms: map[string]*Session{}, sessions: map[string]*Session{},
	}, nil
}

// ServeHTTP routes WHIP requests; see the package documentation.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.cors(w)
	room, id, ok := s.parsePath(r.URL.Path)
	if !ok {
		http.Error(w, "whip: not found", http.StatusNotFound)
		return
	}
	switch {
	case r.Method == http.MethodOptions:
		s.options(w, id)
	case id == "" && r.Method == http.MethodPost:
		s.post(w, r, room)
	case id == "":
		methodNotAllowed(w, "POST, OPTIONS")
	case r.Method == http.MethodDelete:
		s.delete(w, room, id)
	case r.Method == http.MethodPatch:
		s.patch(w, r, room, id)
	default:
		methodNotAllowed(w, "PATCH, DELETE, OPTIONS")
	}
}

// parsePath splits {Prefix}{room}[/{id}].
func (s *Server) parsePath(p string) (room, id string, ok bool) {
	rest, found := strings.CutPrefix(p, s.cfg.Prefix)
	if !found {
		return "", "", false
	}
	room, id, _ = strings.Cut(rest, "/")
	if !roomRE.MatchString(room) || strings.Contains(id, "/") {
		return "", "", false
	}
	return room, id, true
}

// cors lets a browser page on another origin publish (RFC 9725 Section 4.1
// allows OPTIONS pre-flight requests; the Location and ETag headers must be
// exposed for the client to PATCH and DELETE its session).
func (s *Server) cors(w http.ResponseWriter) {
	if s.cfg.AllowOrigin == "" {
		return
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", s.cfg.AllowOrigin)
	h.Set("Access-Control-Allow-Methods", "POST, PATCH, DELETE, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match")
	h.Set("Access-Control-Expose-Headers", "Location, ETag, Link")
	h.Set("Access-Control-Max-Age", "600")
	if s.cfg.AllowOrigin != "*" {
		h.Add("Vary", "Origin")
	}
}

func (s *Server) options(w http.ResponseWriter, id string) {
	if id == "" {
		w.Header().Set("Allow", "POST, OPTIONS")
		w.Header().Set("Accept-Post", "application/sdp")
	} else {
		w.Header().Set("Allow", "PATCH, DELETE, OPTIONS")
		w.Header().Set("Accept-Patch", "application/trickle-ice-sdpfrag")
	}
	w.WriteHeader(http.StatusNoContent)
}

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	http.Error(w, "whip: method not allowed", http.StatusMethodNotAllowed)
}

// delete ends a session (RFC 9725 Section 4.2: the WHIP client terminates
// the ingest session with an HTTP DELETE on the session URL; 200 OK).
func (s *Server) delete(w http.ResponseWriter, room, id string) {
	sess := s.lookup(room, id)
	if sess == nil {
		http.Error(w, "whip: no such session", http.StatusNotFound)
		return
	}
	sess.end(nil, "deleted")
	w.WriteHeader(http.StatusOK)
}

func (s *Server) lookup(room, id string) *Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[id]
	if sess == nil || sess.room != room {
		return nil
	}
	return sess
}

// register makes sess the room's publisher and returns the one it
// replaces, if any. A second publisher for a room replaces the first: a
// browser that reloads or reconnects must not be locked out until the old
// session's ICE times out.
func (s *Server) register(sess *Session) (old *Session, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("whip: server closed")
	}
	old = s.rooms[sess.room]
	s.rooms[sess.room] = sess
	s.sessions[sess.id] = sess
	return old, nil
}

// forget removes an ended session from the tables.
func (s *Server) forget(sess *Session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, sess.id)
	if s.rooms[sess.room] == sess {
		delete(s.rooms, sess.room)
	}
}

// Session returns the room's live publisher, if any.
func (s *Server) Session(room string) (*Session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.rooms[room]
	return sess, ok
}

// Close ends every session (their Run returns nil) and releases the shared
// UDP socket. The handler answers 503 afterwards.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	all := make([]*Session, 0, len(s.sessions))
	for _, sess := range s.sessions {
		all = append(all, sess)
	}
	s.mu.Unlock()
	for _, sess := range all {
		sess.end(nil, "server closed")
		sess.wait()
	}
	if err := s.api.Close(); err != nil {
		return fmt.Errorf("whip: close UDP mux: %w", err)
	}
	return nil
}
