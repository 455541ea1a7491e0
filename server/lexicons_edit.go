package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/lexicon/version"
)

// readDraft accepts a JSON api.DraftRequest, or a raw YAML body with the
// other fields in the query string.
func readDraft(w http.ResponseWriter, r *http.Request) (api.DraftRequest, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxLexiconBody))
	if err != nil {
		return api.DraftRequest{}, fmt.Errorf("reading body (at most %d bytes): %w", maxLexiconBody, err)
	}
	q := r.URL.Query()
	var d api.DraftRequest
	if mediaType(r) == "application/json" || (mediaType(r) == "" && bytes.HasPrefix(bytes.TrimSpace(body), []byte("{"))) {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil {
			return d, fmt.Errorf("body: want JSON {\"yaml\", \"text\", \"from\", \"to\", \"message\", \"version\"}: %w", err)
		}
	} else {
		d.YAML, d.Message, d.Text = string(body), q.Get("message"), q.Get("text")
		if f := q.Get("force"); f != "" {
			if d.Force, err = strconv.ParseBool(f); err != nil {
				return d, fmt.Errorf("force: want true or false, got %q", f)
			}
		}
		if b := q.Get("base"); b != "" {
			if d.Base, err = strconv.Atoi(b); err != nil {
				return d, fmt.Errorf("base: want a version number, got %q", b)
			}
		}
	}
	if d.Author == "" {
		d.Author = r.Header.Get("X-Earshot-Author")
	}
	if d.Author == "" {
		d.Author = q.Get("author")
	}
	return d, nil
}

func (s *Server) validateLexicon(w http.ResponseWriter, r *http.Request) {
	d, err := readDraft(w, r)
	if err != nil {
		writeError(w, api.CodeBadRequest, err.Error())
		return
	}
	lx, _, err := s.opts.Lexicons.Check("draft.yaml", []byte(d.YAML))
	var inv *version.InvalidError
	if errors.As(err, &inv) {
		writeJSON(w, http.StatusOK, api.ValidateResult{Valid: false, Errors: list(inv.Errs, wireProblem)})
		return
	}
	if err != nil {
		s.lexiconError(w, err)
		return
	}
	var live *lexicon.Lexicon
	if eng := s.opts.Lexicons.Live(); eng != nil {
		live = eng.Lexicon()
	}
	writeJSON(w, http.StatusOK, api.ValidateResult{Valid: true, Errors: []api.Problem{}, Name: lx.Name, Allow: lx.Allow,
		Rules: len(lx.Rules), RuleList: each(lx.Rules, wireRule), Diff: wireDiff(version.Compare(live, lx))})
}

func (s *Server) testLexicon(w http.ResponseWriter, r *http.Request) {
	d, err := readDraft(w, r)
	switch {
	case err != nil:
		writeError(w, api.CodeBadRequest, err.Error())
		return
	case strings.TrimSpace(d.Text) == "":
		writeError(w, api.CodeBadRequest, "text: must not be empty")
		return
	case len(d.Text) > maxTestText:
		writeError(w, api.CodeBadRequest, fmt.Sprintf("text: at most %d bytes", maxTestText))
		return
	}
	eng, label := s.opts.Lexicons.Live(), "live"
	if strings.TrimSpace(d.YAML) != "" {
		if _, eng, err = s.opts.Lexicons.Check("draft.yaml", []byte(d.YAML)); err != nil {
			s.lexiconError(w, err)
			return
		}
		label = "draft"
	}
	if eng == nil {
		writeError(w, api.CodeNoVersions, "no lexicon is active yet")
		return
	}
	writeJSON(w, http.StatusOK, api.TestResult{Lexicon: label, Text: d.Text,
		Hits: list(eng.MatchText(d.Text), wireHit), Explanation: list(eng.Explain(d.Text), wireExplanation)})
}

// maxBacktestRange bounds one backtest request.
const maxBacktestRange = 31 * 24 * time.Hour

func (s *Server) backtestLexicon(w http.ResponseWriter, r *http.Request) {
	d, err := readDraft(w, r)
	if err != nil {
		writeError(w, api.CodeBadRequest, err.Error())
		return
	}
	from, to, err := backtestRange(d.From, d.To, time.Now())
	if err != nil {
		writeError(w, api.CodeBadRange, err.Error())
		return
	}
	_, eng, err := s.opts.Lexicons.Check("draft.yaml", []byte(d.YAML))
	if err != nil {
		s.lexiconError(w, err)
		return
	}
	rep, err := s.opts.Lexicons.Backtest(r.Context(), []byte(d.YAML), eng, from, to)
	if err != nil {
		s.lexiconError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, wireReport(rep))
}

// backtestRange parses RFC 3339 bounds; to defaults to now and from to a day
// before to.
func backtestRange(fromS, toS string, now time.Time) (time.Time, time.Time, error) {
	to := now
	var err error
	if toS != "" {
		if to, err = time.Parse(time.RFC3339, toS); err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("to: want RFC 3339 (2026-01-02T15:04:05Z), got %q", toS)
		}
	}
	from := to.Add(-24 * time.Hour)
	if fromS != "" {
		if from, err = time.Parse(time.RFC3339, fromS); err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("from: want RFC 3339 (2026-01-02T15:04:05Z), got %q", fromS)
		}
	}
	switch {
	case !to.After(from):
		return time.Time{}, time.Time{}, fmt.Errorf("from %s must be before to %s", from.Format(time.RFC3339), to.Format(time.RFC3339))
	case to.Sub(from) > maxBacktestRange:
		return time.Time{}, time.Time{}, fmt.Errorf("range %s is longer than %s", to.Sub(from), maxBacktestRange)
	}
	return from, to, nil
}

func (s *Server) importLexicon(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "imported"
	}
	out, err := version.ImportCSV("import.csv", name, http.MaxBytesReader(w, r.Body, maxLexiconBody))
	var inv *version.InvalidError
	switch {
	case errors.As(err, &inv):
		writeInvalid(w, inv.Errs)
	case err != nil:
		writeError(w, api.CodeBadCSV, err.Error())
	default:
		w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
		_, _ = w.Write(out)
	}
}

func (s *Server) publishLexicon(w http.ResponseWriter, r *http.Request) {
	d, err := readDraft(w, r)
	if err == nil {
		d.Author, err = authorOf(r, d.Author)
	}
	if err != nil {
		writeError(w, api.CodeBadRequest, err.Error())
		return
	}
	if strings.TrimSpace(d.YAML) == "" {
		writeError(w, api.CodeBadRequest, "yaml: the lexicon to publish is empty")
		return
	}
	v, err := s.opts.Lexicons.Publish(r.Context(), version.Draft{YAML: []byte(d.YAML), File: "draft.yaml",
		Author: d.Author, Message: d.Message, Base: d.Base, Force: d.Force})
	if err != nil {
		s.lexiconError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, wireSummary(v.Summary()))
}

func (s *Server) rollbackLexicon(w http.ResponseWriter, r *http.Request) {
	d, err := readDraft(w, r)
	if err == nil {
		d.Author, err = authorOf(r, d.Author)
	}
	if err != nil {
		writeError(w, api.CodeBadRequest, err.Error())
		return
	}
	if d.Version <= 0 {
		writeError(w, api.CodeBadVersion, "version: want the positive version number to roll back to")
		return
	}
	v, err := s.opts.Lexicons.Rollback(r.Context(), d.Version, d.Author, d.Message, d.Force)
	if err != nil {
		s.lexiconError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, wireSummary(v.Summary()))
}

// authorOf is the token's subject, the author an audit entry records. A
// request's own author (field, X-Earshot-Author, ?author=) naming someone
// else is refused rather than recorded.
func authorOf(r *http.Request, claimed string) (string, error) {
	c, ok := claimsOf(r)
	if !ok {
		return "", errors.New("publishing needs a token: its subject is the audit log's author")
	}
	if claimed = strings.TrimSpace(claimed); claimed != "" && claimed != c.Subject {
		return "", fmt.Errorf("author %q is not the token's subject %q: leave it out, the author is whoever holds the token", claimed, c.Subject)
	}
	return c.Subject, nil
}
