package server

import (
	"io/fs"
	"net/http"
	"strings"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/api"
)

// pageCSP lets the pages load only this origin's scripts, styles, data and
// media: no inline script, no third party.
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// overlayPage is the anchor's overlay; the room must be a valid id.
func (s *Server) overlayPage(static fs.FS) http.Handler {
	page := servePage(static, "overlay.html")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := alerter.ValidRoomID(r.PathValue("room")); err != nil {
			writeError(w, api.CodeBadRoom, err.Error())
			return
		}
		page.ServeHTTP(w, r)
	})
}

// servePage answers with one embedded HTML file.
func servePage(static fs.FS, name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, err := fs.ReadFile(static, name)
		if err != nil {
			writeError(w, api.CodeInternal, "page "+name+" is not embedded")
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
		hd.Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}

// widgetPage is the viewers' widget (report this moment, the open poll);
// the room must be a valid id.
func (s *Server) widgetPage(static fs.FS) http.Handler {
	page := servePage(static, "widget.html")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := alerter.ValidRoomID(r.PathValue("room")); err != nil {
			writeError(w, api.CodeBadRoom, err.Error())
			return
		}
		page.ServeHTTP(w, r)
	})
}

// widgetHeaders are pageHeaders for the one page made to be embedded: the
// platform's pages in http.allow_origin may frame it (any with "*"); with
// none listed, only this origin.
func widgetHeaders(h http.Handler, origins []string) http.Handler {
	ancestors := "'self'"
	for _, o := range origins {
		if o == "*" {
			ancestors = "*"
			break
		}
		ancestors += " " + o
	}
	csp := strings.Replace(pageCSP, "frame-ancestors 'none'", "frame-ancestors "+ancestors, 1)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", csp)
		hd.Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}
