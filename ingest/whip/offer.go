package whip

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/pion/sdp/v3"
)

// statusError is a client error with the HTTP status that reports it.
type statusError struct {
	code int
	msg  string
}

func (e *statusError) Error() string { return e.msg }

func clientError(code int, format string, args ...any) error {
	return &statusError{code: code, msg: fmt.Sprintf(format, args...)}
}

// writeError answers err: its own status for a statusError, 500 otherwise.
func (s *Server) writeError(w http.ResponseWriter, err error) {
	var se *statusError
	if errors.As(err, &se) {
		http.Error(w, "whip: "+se.msg, se.code)
		return
	}
	s.log.Error("whip: internal error", "err", err)
	http.Error(w, "whip: internal error", http.StatusInternalServerError)
}

// readBody checks the media type and reads a bounded body.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, want string) (string, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !strings.EqualFold(mt, want) {
		return "", clientError(http.StatusUnsupportedMediaType, "Content-Type must be %s", want)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxOfferBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return "", clientError(http.StatusRequestEntityTooLarge, "body larger than %d bytes", tooBig.Limit)
	case err != nil:
		return "", clientError(http.StatusBadRequest, "read body: %v", err)
	}
	return string(body), nil
}

// checkOffer rejects what pion would accept but earshot cannot use: an
// offer must parse as SDP and carry an active audio m-line offering Opus.
// RFC 9725 Section 4.4 (WebRTC constraints) leaves codec choice to the
// endpoint; earshot only decodes Opus, the codec every browser sends.
func checkOffer(offer string) error {
	if strings.TrimSpace(offer) == "" {
		return clientError(http.StatusBadRequest, "empty SDP offer")
	}
	var desc sdp.SessionDescription
	if err := desc.UnmarshalString(offer); err != nil {
		return clientError(http.StatusBadRequest, "malformed SDP offer: %v", err)
	}
	audio := false
	for _, m := range desc.MediaDescriptions {
		if m.MediaName.Media != "audio" || m.MediaName.Port.Value == 0 {
			continue
		}
		audio = true
		if hasOpus(m) {
			return nil
		}
	}
	if !audio {
		return clientError(http.StatusBadRequest, "offer has no audio m-line")
	}
	return clientError(http.StatusNotAcceptable, "offer has no Opus codec (audio/opus/48000 required)")
}

// hasOpus looks for "a=rtpmap:PT opus/48000[/2]", comparing the codec name
// case-insensitively (clients send "opus" and "OPUS").
func hasOpus(m *sdp.MediaDescription) bool {
	for _, a := range m.Attributes {
		if a.Key != "rtpmap" {
			continue
		}
		_, enc, _ := strings.Cut(a.Value, " ")
		name, rate, _ := strings.Cut(enc, "/")
		rate, _, _ = strings.Cut(rate, "/")
		if strings.EqualFold(name, "opus") && rate == "48000" {
			return true
		}
	}
	return false
}

// post handles the WHIP endpoint (RFC 9725 Section 4.2): authorize, check
// the offer, create the session, answer 201 Created with the SDP answer,
// the session URL in Location and its ETag.
func (s *Server) post(w http.ResponseWriter, r *http.Request, room string) {
	offer, err := s.admit(w, r, room)
	if err != nil {
		s.writeError(w, err)
		return
	}
	sess, answer, err := s.start(r, room, offer)
	if err != nil {
		s.writeError(w, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/sdp")
	h.Set("Location", s.cfg.Prefix+room+"/"+sess.id)
	h.Set("ETag", sess.etag)
	w.WriteHeader(http.StatusCreated)
	if _, err := io.WriteString(w, answer); err != nil {
		s.log.Warn("whip: write answer", "room", room, "err", err)
	}
}

// admit is everything POST checks before any WebRTC state exists:
// authorization (Section 4.7: before doing any work), the media type, the
// body's size and the offer itself. Its errors are client errors.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, room string) (string, error) {
	if err := s.cfg.Authorize(r, room); err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="earshot"`)
		s.log.Info("whip: publish refused", "room", room, "err", err)
		return "", clientError(http.StatusUnauthorized, "unauthorized")
	}
	offer, err := s.readBody(w, r, "application/sdp")
	if err != nil {
		return "", err
	}
	return offer, checkOffer(offer)
}

// start creates the session, registers it (replacing the room's previous
// publisher) and hands it to OnSession.
func (s *Server) start(r *http.Request, room, offer string) (*Session, string, error) {
	sess, answer, err := s.newSession(r.Context(), room, offer)
	if err != nil {
		return nil, "", err
	}
	old, err := s.register(sess)
	if err != nil {
		sess.end(nil, "server closed")
		return nil, "", clientError(http.StatusServiceUnavailable, "%v", err)
	}
	if old != nil {
		old.end(nil, "replaced by "+sess.id)
	}
	s.log.Info("whip: session started", "room", room, "session", sess.id, "remote", r.RemoteAddr)
	s.cfg.OnSession(room, sess)
	return sess, answer, nil
}
