package server

import (
	"errors"
	"net/http"
	"os"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/rooms"
)

// evidenceStore is implemented by registries that keep evidence clips.
type evidenceStore interface {
	EvidenceDir() string
}

// getClip serves an alert's evidence clip. The alert names this URL when it
// is stored; the clip appears once the audio after the hit was heard, so a
// 404 soon after an alert may turn into the clip a few seconds later.
func (s *Server) getClip(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !rooms.ValidAlertID(id) {
		writeError(w, api.CodeBadAlertID, "alert id must be 26 characters of Crockford base32 (0-9, A-Z without I, L, O, U)")
		return
	}
	ev, ok := s.opts.Rooms.(evidenceStore)
	if !ok || ev.EvidenceDir() == "" {
		writeError(w, api.CodeNoClip, "this server keeps no evidence clips")
		return
	}
	path, _ := rooms.EvidenceFile(ev.EvidenceDir(), id)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		writeError(w, api.CodeNoClip, "no clip for alert "+id+" (yet: clips are written a few seconds after the alert)")
		return
	}
	if err != nil {
		writeError(w, api.CodeInternal, "clip unreadable")
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		writeError(w, api.CodeNoClip, "no clip for alert "+id)
		return
	}
	w.Header().Set("Content-Type", "audio/wav")
	w.Header().Set("Cache-Control", "private, max-age=86400, immutable")
	http.ServeContent(w, r, id+".wav", fi.ModTime(), f)
}
