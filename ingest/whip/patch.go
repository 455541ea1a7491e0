package whip

import (
	"net/http"
	"strings"

	"github.com/pion/webrtc/v4"
)

// trickle is the ICE content of an application/trickle-ice-sdpfrag body
// (RFC 8840 Section 9).
type trickle struct {
	ufrag, pwd string
	mid        string
	candidates []string // "candidate:..." attribute values
}

func parseSDPFrag(body string) trickle {
	var t trickle
	for line := range strings.Lines(body) {
		line = strings.TrimRight(line, "\r\n")
		switch {
		case strings.HasPrefix(line, "a=ice-ufrag:"):
			t.ufrag = strings.TrimPrefix(line, "a=ice-ufrag:")
		case strings.HasPrefix(line, "a=ice-pwd:"):
			t.pwd = strings.TrimPrefix(line, "a=ice-pwd:")
		case strings.HasPrefix(line, "a=mid:") && t.mid == "":
			t.mid = strings.TrimPrefix(line, "a=mid:")
		case strings.HasPrefix(line, "a=candidate:"):
			t.candidates = append(t.candidates, strings.TrimPrefix(line, "a="))
		}
	}
	return t
}

// patch handles HTTP PATCH on the session URL (RFC 9725 Section 4.3.1).
// The session supports Trickle ICE (Section 4.3.2): candidates in the
// fragment are added and 204 No Content is returned. It does not support
// ICE restarts (Section 4.3.3), so a fragment with new ICE credentials is
// answered 422 Unprocessable Content, as Section 4.3.1 requires of a
// session that supports only one of the two. An If-Match that is not the
// session's ETag (or "*") is answered 412 Precondition Failed.
func (s *Server) patch(w http.ResponseWriter, r *http.Request, room, id string) {
	sess := s.lookup(room, id)
	if sess == nil {
		http.Error(w, "whip: no such session", http.StatusNotFound)
		return
	}
	if err := s.cfg.Authorize(r, room); err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="earshot"`)
		http.Error(w, "whip: unauthorized", http.StatusUnauthorized)
		return
	}
	if m := r.Header.Get("If-Match"); m != "" && m != "*" && m != sess.etag {
		http.Error(w, "whip: ETag mismatch", http.StatusPreconditionFailed)
		return
	}
	body, err := s.readBody(w, r, "application/trickle-ice-sdpfrag")
	if err == nil {
		err = sess.addCandidates(parseSDPFrag(body))
	}
	if err != nil {
		s.writeError(w, err)
		return
	}
	w.Header().Set("ETag", sess.etag)
	w.WriteHeader(http.StatusNoContent)
}

func (sess *Session) addCandidates(t trickle) error {
	remote := sess.pc.RemoteDescription()
	if t.ufrag != "" && remote != nil && !strings.Contains(remote.SDP, "a=ice-ufrag:"+t.ufrag+"\r\n") &&
		!strings.Contains(remote.SDP, "a=ice-ufrag:"+t.ufrag+"\n") {
		return clientError(http.StatusUnprocessableEntity, "ICE restart is not supported")
	}
	for _, c := range t.candidates {
		init := webrtc.ICECandidateInit{Candidate: c}
		if t.mid != "" {
			init.SDPMid = &t.mid
		}
		if err := sess.pc.AddICECandidate(init); err != nil {
			if strings.Contains(c, ".local ") { // mDNS is off: skip, do not fail
				continue
			}
			return clientError(http.StatusBadRequest, "bad candidate %q: %v", c, err)
		}
	}
	return nil
}
