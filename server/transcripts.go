package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/transcript/store"
)

// Transcripts is the transcript store the search API reads.
type Transcripts interface {
	Search(ctx context.Context, q store.Query) (store.Result, error)
	Get(ctx context.Context, id string) (store.Record, error)
	Around(ctx context.Context, room string, at time.Time, before, after time.Duration) ([]store.Record, error)
	HasRoom(ctx context.Context, room string) (bool, error)
}

// Limits on transcript query parameters.
const (
	maxQueryText   = 1024
	maxFilterValue = 128
	maxFilterCount = 20
	maxAroundSpan  = time.Hour
	defaultAround  = 2 * time.Minute
)

// searchParams are the parameters GET /v1/transcripts accepts; token is
// tolerated for pages that authenticate with ?token=.
var searchParams = map[string]bool{"q": true, "room": true, "anchor": true, "merchant": true,
	"category": true, "rule": true, "session": true, "from": true, "to": true, "sort": true,
	"page": true, "size": true, "token": true}

func (s *Server) searchTranscripts(w http.ResponseWriter, r *http.Request) {
	q, page, err := parseTranscriptQuery(r.URL.Query())
	if err != nil {
		writeError(w, api.CodeBadQuery, err.Error())
		return
	}
	res, err := s.opts.Transcripts.Search(r.Context(), q)
	if err != nil {
		s.storeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, api.SearchResponse{Total: res.Total, TookMs: float64(res.Took.Microseconds()) / 1000,
		Page: page, Size: q.Size, Hits: list(res.Hits, wireSearchHit), Facets: wireFacets(res.Facets),
		Partial: res.Partial, MissingNodes: res.Missing})
}

// parseTranscriptQuery turns the query string into a store query, naming
// the first parameter that is wrong. page is 1-based.
func parseTranscriptQuery(v url.Values) (store.Query, int, error) {
	var q store.Query
	for name := range v {
		if !searchParams[name] {
			return q, 0, fmt.Errorf("unknown parameter %q (want q, room, anchor, merchant, category, rule, session, from, to, sort, page, size)", name)
		}
	}
	for _, name := range []string{"q", "from", "to", "sort", "page", "size"} {
		if len(v[name]) > 1 {
			return q, 0, fmt.Errorf("%s: given %d times, want once", name, len(v[name]))
		}
	}
	q.Text = v.Get("q")
	if len(q.Text) > maxQueryText || !utf8.ValidString(q.Text) {
		return q, 0, fmt.Errorf("q: want valid UTF-8 of at most %d bytes", maxQueryText)
	}
	var err error
	filters := []struct {
		name string
		dst  *[]string
	}{{"room", &q.Rooms}, {"anchor", &q.Anchors}, {"merchant", &q.Merchants},
		{"category", &q.Categories}, {"rule", &q.Rules}, {"session", &q.Sessions}}
	for _, f := range filters {
		if *f.dst, err = filterValues(f.name, v[f.name]); err != nil {
			return q, 0, err
		}
	}
	if q.From, err = parseTime("from", v.Get("from")); err != nil {
		return q, 0, err
	}
	if q.To, err = parseTime("to", v.Get("to")); err != nil {
		return q, 0, err
	}
	q.Sort = v.Get("sort")
	page, size, err := paging(v.Get("page"), v.Get("size"))
	if err != nil {
		return q, 0, err
	}
	q.Size, q.Offset = size, (page-1)*size
	return q, page, q.Validate()
}

func filterValues(name string, vals []string) ([]string, error) {
	if len(vals) > maxFilterCount {
		return nil, fmt.Errorf("%s: at most %d values", name, maxFilterCount)
	}
	var out []string
	for _, val := range vals {
		if val == "" {
			continue
		}
		if name == "room" {
			if err := alerter.ValidRoomID(val); err != nil {
				return nil, fmt.Errorf("room: %w", err)
			}
		}
		if len(val) > maxFilterValue || !utf8.ValidString(val) || strings.IndexFunc(val, unicode.IsControl) >= 0 {
			return nil, fmt.Errorf("%s: want printable UTF-8 of at most %d bytes", name, maxFilterValue)
		}
		out = append(out, val)
	}
	return out, nil
}

func parseTime(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %q is not an RFC 3339 time like 2026-03-10T12:00:00Z", name, s)
	}
	if t.Year() < 1970 || t.Year() > 9999 {
		return time.Time{}, fmt.Errorf("%s: year %d is out of range", name, t.Year())
	}
	return t, nil
}

// paging parses page (from 1) and size (1..store.MaxSize, default 20);
// page*size beyond store.MaxWindow is refused rather than computed.
func paging(pageS, sizeS string) (page, size int, err error) {
	page, size = 1, 20
	if sizeS != "" {
		if size, err = strconv.Atoi(sizeS); err != nil || size < 1 || size > store.MaxSize {
			return 0, 0, fmt.Errorf("size: %q: want a number from 1 to %d", sizeS, store.MaxSize)
		}
	}
	if pageS != "" {
		if page, err = strconv.Atoi(pageS); err != nil || page < 1 {
			return 0, 0, fmt.Errorf("page: %q: want a number from 1", pageS)
		}
	}
	if page > store.MaxWindow/size {
		return 0, 0, fmt.Errorf("page: %d pages of %d reach beyond result %d: narrow the search", page, size, store.MaxWindow)
	}
	return page, size, nil
}

// storeError maps a store failure: a wrong or too costly query is the
// client's 400; full search slots and a spent time budget are 503s.
func (s *Server) storeError(w http.ResponseWriter, err error) {
	var qe *store.QueryError
	var ce *store.CostError
	switch {
	case errors.As(err, &qe):
		writeError(w, api.CodeBadQuery, qe.Error())
	case errors.As(err, &ce):
		writeError(w, api.CodeQueryTooCostly, ce.Error())
	case errors.Is(err, store.ErrBusy):
		w.Header().Set("Retry-After", "1")
		writeError(w, api.CodeBusy, err.Error())
	case errors.Is(err, store.ErrBudget):
		writeError(w, api.CodeSearchTimeout, err.Error())
	case errors.Is(err, store.ErrUnavailable):
		w.Header().Set("Retry-After", "2")
		writeError(w, api.CodeIndexUnavailable, err.Error())
	case errors.Is(err, store.ErrNotFound):
		writeError(w, api.CodeNotFound, err.Error())
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		writeError(w, api.CodeCancelled, err.Error())
	default:
		s.opts.Logger.Error("transcript store", "err", err)
		writeError(w, api.CodeStoreFailed, "transcript store failed")
	}
}

func (s *Server) getTranscript(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if id == "" || len(id) > 256 || !utf8.ValidString(id) || strings.IndexFunc(id, unicode.IsControl) >= 0 {
		writeError(w, api.CodeBadID, "id: want printable UTF-8 of at most 256 bytes")
		return
	}
	rec, err := s.opts.Transcripts.Get(r.Context(), id)
	if err != nil {
		s.storeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, wireRecord(rec))
}

// roomTimeline answers GET /v1/rooms/{room}/timeline?at=&before=&after=:
// a room's transcript around a moment (a search hit's "at").
func (s *Server) roomTimeline(w http.ResponseWriter, r *http.Request) {
	room := r.PathValue("room")
	if err := alerter.ValidRoomID(room); err != nil {
		writeError(w, api.CodeBadRoom, err.Error())
		return
	}
	at, before, after, err := parseTimeline(r.URL.Query())
	if err != nil {
		writeError(w, api.CodeBadQuery, err.Error())
		return
	}
	recs, err := s.opts.Transcripts.Around(r.Context(), room, at, before, after)
	if err != nil {
		s.storeError(w, err)
		return
	}
	if len(recs) == 0 {
		known, err := s.opts.Transcripts.HasRoom(r.Context(), room)
		if err != nil {
			s.storeError(w, err)
			return
		}
		if !known {
			writeError(w, api.CodeUnknownRoom, "room "+room+" has no stored transcripts")
			return
		}
	}
	writeJSON(w, http.StatusOK, api.Timeline{Room: room, At: at,
		From: at.Add(-before), To: at.Add(after), Records: list(recs, wireRecord)})
}

func parseTimeline(v url.Values) (at time.Time, before, after time.Duration, err error) {
	for name := range v {
		switch name {
		case "at", "before", "after", "token":
		default:
			return at, 0, 0, fmt.Errorf("unknown parameter %q (want at, before, after)", name)
		}
	}
	if v.Get("at") == "" {
		return at, 0, 0, errors.New("at: required, an RFC 3339 time like 2026-03-10T12:00:00Z")
	}
	if at, err = parseTime("at", v.Get("at")); err != nil {
		return at, 0, 0, err
	}
	if before, err = span("before", v.Get("before")); err != nil {
		return at, 0, 0, err
	}
	after, err = span("after", v.Get("after"))
	return at, before, after, err
}

func span(name, s string) (time.Duration, error) {
	if s == "" {
		return defaultAround, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 || d > maxAroundSpan {
		return 0, fmt.Errorf("%s: %q: want a duration like 30s or 2m, at most %v", name, s, maxAroundSpan)
	}
	return d, nil
}
