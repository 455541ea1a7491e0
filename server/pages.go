package server

import (
	"io/fs"
	"net/http"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/web"
)

// pageCSP lets the pages load only this origin's scripts, styles, data and
// media: no inline script, no third party.
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"

func (s *Server) pageRoutes(m *http.ServeMux) {
	static := web.Static()
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	m.Handle("GET /static/", pageHeaders(files))
	m.Handle("GET /{$}", pageHeaders(servePage(static, "index.html")))
	// The policy team's lexicon editor.
	m.Handle("GET /lexicon", pageHeaders(servePage(static, "editor.html")))
	m.Handle("GET /overlay/{room}", pageHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := alerter.ValidRoomID(r.PathValue("room")); err != nil {
			writeError(w, http.StatusBadRequest, "bad_room", err.Error())
			return
		}
		servePage(static, "overlay.html").ServeHTTP(w, r)
	})))
}

// servePage answers with one embedded HTML file.
func servePage(static fs.FS, name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, err := fs.ReadFile(static, name)
		if err != nil {
			writeError(w, http.StatusInternalServerError, "internal", "page "+name+" is not embedded")
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(data)
	})
}

// pageHeaders: pages carry tokens in their URL, so they send no Referer;
// they are small, so browsers revalidate them rather than run a stale copy.
func pageHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", pageCSP)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}
