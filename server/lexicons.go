package server

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/lexicon/backtest"
	"github.com/earshot/earshot/lexicon/version"
)

// LexiconService is the lexicon lifecycle behind /v1/lexicons.
type LexiconService interface {
	// Active is the version this worker matches with now.
	Active(ctx context.Context) (version.Version, error)
	Versions(ctx context.Context) ([]version.Summary, error)
	Version(ctx context.Context, n int) (version.Version, error)
	Publish(ctx context.Context, d version.Draft) (version.Version, error)
	Rollback(ctx context.Context, n int, author, message string, force bool) (version.Version, error)
	Audit(ctx context.Context) ([]version.AuditEntry, error)
	// Check validates and compiles a draft without publishing it.
	Check(file string, yaml []byte) (*lexicon.Lexicon, *lexicon.Engine, error)
	// Live is the compiled active version.
	Live() *lexicon.Engine
	// Backtest fails with ErrNoTranscripts when no store is wired.
	// yaml is the draft's source (index nodes of a cluster compile it
	// again to scan their own shares).
	Backtest(ctx context.Context, yaml []byte, draft *lexicon.Engine, from, to time.Time) (*backtest.Report, error)
}

// ErrNoTranscripts: backtests need the transcript store.
var ErrNoTranscripts = errors.New("no transcript store is configured")

// Body limits for lexicon requests.
const (
	maxLexiconBody = 16 << 20
	maxTestText    = 64 << 10
)

func (s *Server) getActiveLexicon(w http.ResponseWriter, r *http.Request) {
	v, err := s.opts.Lexicons.Active(r.Context())
	if err != nil {
		s.lexiconError(w, err)
		return
	}
	view := api.ActiveLexicon{LexiconSummary: wireSummary(v.Summary()), Categories: map[string]int{}}
	if eng := s.opts.Lexicons.Live(); eng != nil {
		for _, rule := range eng.Lexicon().Rules {
			view.Categories[rule.Category]++
		}
	}
	if wantsYAML(r) {
		s.writeVersion(w, r, v)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

func (s *Server) listLexicons(w http.ResponseWriter, r *http.Request) {
	vs, err := s.opts.Lexicons.Versions(r.Context())
	if err != nil {
		s.lexiconError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, api.LexiconList{Versions: each(vs, wireSummary)})
}

func (s *Server) lexiconAudit(w http.ResponseWriter, r *http.Request) {
	es, err := s.opts.Lexicons.Audit(r.Context())
	if err != nil {
		s.lexiconError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, api.AuditLog{Entries: each(es, wireAudit)})
}

func (s *Server) getLexicon(w http.ResponseWriter, r *http.Request) {
	v, ok := s.versionFromPath(w, r, r.PathValue("version"))
	if ok {
		s.writeVersion(w, r, v)
	}
}

// writeVersion answers YAML for ?format=yaml or Accept: application/yaml,
// else the whole record as JSON.
func (s *Server) writeVersion(w http.ResponseWriter, r *http.Request, v version.Version) {
	if wantsYAML(r) {
		w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
		w.Header().Set("X-Earshot-Lexicon-Version", v.Label())
		_, _ = io.WriteString(w, v.YAML)
		return
	}
	writeJSON(w, http.StatusOK, wireVersion(v))
}

func wantsYAML(r *http.Request) bool {
	if f := r.URL.Query().Get("format"); f != "" {
		return f == "yaml"
	}
	return strings.Contains(r.Header.Get("Accept"), "yaml")
}

func (s *Server) diffLexicon(w http.ResponseWriter, r *http.Request) {
	v, ok := s.versionFromPath(w, r, r.PathValue("version"))
	if !ok {
		return
	}
	against := v.Previous
	if q := r.URL.Query().Get("against"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 0 {
			writeError(w, api.CodeBadAgainst, "against: want a version number, got "+strconv.Quote(q))
			return
		}
		against = n
	}
	var base *lexicon.Lexicon
	if against > 0 {
		old, ok := s.versionFromPath(w, r, strconv.Itoa(against))
		if !ok {
			return
		}
		base, _ = lexicon.Parse(old.Label()+".yaml", []byte(old.YAML))
	}
	cur, _ := lexicon.Parse(v.Label()+".yaml", []byte(v.YAML))
	writeJSON(w, http.StatusOK, api.DiffResult{Version: v.Number, Against: against, Diff: wireDiff(version.Compare(base, cur))})
}

func (s *Server) versionFromPath(w http.ResponseWriter, r *http.Request, p string) (version.Version, bool) {
	n, err := strconv.Atoi(p)
	if err != nil || n <= 0 {
		writeError(w, api.CodeBadVersion, "version: want a positive number, got "+strconv.Quote(p))
		return version.Version{}, false
	}
	v, err := s.opts.Lexicons.Version(r.Context(), n)
	if err != nil {
		s.lexiconError(w, err)
		return version.Version{}, false
	}
	return v, true
}

// lexiconError maps service errors to statuses: client mistakes are 4xx.
func (s *Server) lexiconError(w http.ResponseWriter, err error) {
	var inv *version.InvalidError
	switch {
	case errors.As(err, &inv):
		writeInvalid(w, inv.Errs)
	case errors.Is(err, version.ErrNotFound):
		writeError(w, api.CodeNotFound, err.Error())
	case errors.Is(err, version.ErrEmpty):
		writeError(w, api.CodeNoVersions, err.Error())
	case errors.Is(err, version.ErrConflict):
		writeError(w, api.CodeConflict, err.Error())
	case errors.Is(err, version.ErrNeedsForce):
		writeError(w, api.CodeNeedsForce, err.Error())
	case errors.Is(err, ErrNoTranscripts):
		writeError(w, api.CodeNoTranscripts, err.Error())
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		writeError(w, api.CodeTimeout, err.Error())
	default:
		s.opts.Logger.Error("lexicon request failed", "err", err)
		writeError(w, api.CodeInternal, err.Error())
	}
}

func mediaType(r *http.Request) string {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt
}
