package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Limits on one search, so a request cannot ask the index for unbounded work.
const (
	MaxSize   = 100
	MaxWindow = 10000 // offset + size
	FacetSize = 20
)

// Sort orders.
const (
	SortScore    = "score"
	SortTime     = "time"
	SortTimeDesc = "-time"
)

// Query is one transcript search. Text uses bleve's query-string syntax
// (phrases "…", fuzzy term~1, field:value, +must -not); the other fields
// filter exactly, several values of one field ORed.
type Query struct {
	Text                                                   string
	Rooms, Anchors, Merchants, Categories, Rules, Sessions []string
	// From and To bound Record.At, inclusive; zero is unbounded.
	From, To time.Time
	// Sort is score, time or -time; empty: score with Text, else -time.
	Sort         string
	Offset, Size int
}

// Hit is one record found, with its score and highlighted fragments
// (HTML-escaped text with <mark> around what matched).
type Hit struct {
	Record
	Score      float64             `json:"score"`
	Highlights map[string][]string `json:"highlights,omitempty"`
}

// FacetTerm is one value of a facet and how many hits have it.
type FacetTerm struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
}

// Result is one page of a search.
type Result struct {
	Total  uint64                 `json:"total"`
	Took   time.Duration          `json:"-"`
	Hits   []Hit                  `json:"hits"`
	Facets map[string][]FacetTerm `json:"facets"`
	// Partial says some stores holding part of the transcripts did not
	// answer (a search spread over index nodes, cluster/search): Missing
	// names them. A single store's result is never partial.
	Partial bool     `json:"partial,omitempty"`
	Missing []string `json:"missing,omitempty"`
}

// Validate checks the paging and sort of q.
func (q Query) Validate() error {
	switch {
	case q.Size < 0 || q.Size > MaxSize:
		return badQuery("size", "%d is out of range 1..%d", q.Size, MaxSize)
	case q.Offset < 0:
		return badQuery("page", "offset %d is negative", q.Offset)
	case q.Offset+q.Size > MaxWindow:
		return badQuery("page", "results beyond %d are not served: narrow the search", MaxWindow)
	case !q.From.IsZero() && !q.To.IsZero() && q.From.After(q.To):
		return badQuery("from", "%s is after to %s", q.From.Format(time.RFC3339), q.To.Format(time.RFC3339))
	}
	switch q.Sort {
	case "", SortScore, SortTime, SortTimeDesc:
	default:
		return badQuery("sort", "%q: want score, time or -time", q.Sort)
	}
	return nil
}

// Search runs q over the partitions its time range touches. A *QueryError
// means the query itself is wrong, a *CostError that it would cost too
// much; ErrBusy and ErrBudget that it found every search slot taken or ran
// past its time budget (Options.Search).
func (s *Store) Search(ctx context.Context, q Query) (Result, error) {
	if err := q.Validate(); err != nil {
		return Result{}, err
	}
	if q.Size == 0 {
		q.Size = 20
	}
	res, err := s.query(ctx, q, request{size: q.Size, from: q.Offset, full: true, facets: true})
	if err != nil {
		return Result{}, err
	}
	out := Result{Total: res.Total, Took: res.Took, Hits: make([]Hit, 0, len(res.Hits)), Facets: facetsOf(res)}
	for _, m := range res.Hits {
		h, err := hitOf(m)
		if err != nil {
			return Result{}, err
		}
		out.Hits = append(out.Hits, h)
	}
	return out, nil
}

// request is what one run of a query asks bleve for.
type request struct {
	size, from int
	full       bool     // the stored record and highlights, else ids and sort keys
	facets     bool     // the category, room and anchor facets
	ids        []string // only these records (nil: any)
}

// query is the one way a query reaches bleve: the cost checks, a search
// slot, the time budget.
func (s *Store) query(ctx context.Context, q Query, r request) (*bleve.SearchResult, error) {
	lim := s.opts.Search
	text, err := textQuery(q.Text, lim)
	if err != nil {
		return nil, err
	}
	release, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	parent := ctx
	ctx, cancel := costContext(ctx, lim)
	defer cancel()
	qq := filterQuery(q, text)
	if r.ids != nil {
		qq = bleve.NewConjunctionQuery(docIDQuery(r.ids...), qq)
	}
	req := bleve.NewSearchRequestOptions(qq, r.size, r.from, false)
	if r.full {
		req.Fields = []string{fRaw}
		req.IncludeLocations = true
	}
	req.SortBy(sortOrder(q))
	if r.facets {
		for _, f := range []string{fCategory, fRoom, fAnchor} {
			req.AddFacet(f, bleve.NewFacetRequest(f, FacetSize))
		}
	}
	res, err := s.search(ctx, req, q.From, q.To)
	if err != nil {
		return nil, costResult(parent, err, lim)
	}
	return res, nil
}

func hitOf(m *search.DocumentMatch) (Hit, error) {
	rec, err := recordOf(m)
	if err != nil {
		return Hit{}, err
	}
	return Hit{Record: rec, Score: m.Score, Highlights: highlights(rec.Text, m.Locations)}, nil
}

func facetsOf(res *bleve.SearchResult) map[string][]FacetTerm {
	out := map[string][]FacetTerm{}
	for name, f := range res.Facets {
		terms := []FacetTerm{}
		if f.Terms != nil {
			for _, t := range f.Terms.Terms() {
				terms = append(terms, FacetTerm{Term: t.Term, Count: t.Count})
			}
		}
		out[name] = terms
	}
	return out
}

func sortOrder(q Query) []string {
	switch {
	case q.Sort == SortTime:
		return []string{fAt, "_id"}
	case q.Sort == SortTimeDesc, q.Sort == "" && q.Text == "":
		return []string{"-" + fAt, "-_id"}
	}
	return []string{"-_score", "-" + fAt}
}

// search runs req on the partitions overlapping [from, to] while holding
// the read lock, so retention cannot close a partition under it.
func (s *Store) search(ctx context.Context, req *bleve.SearchRequest, from, to time.Time) (*bleve.SearchResult, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, ErrClosed
	}
	target := s.alias
	n := len(s.parts)
	if !from.IsZero() || !to.IsZero() {
		parts := s.partsBetweenLocked(from, to)
		target, n = bleve.NewIndexAlias(parts...), len(parts)
	}
	if n == 0 {
		// An alias over no index is an error in bleve; here it is simply
		// nothing found.
		return &bleve.SearchResult{Request: req}, nil
	}
	res, err := target.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("transcript search: %w", err)
	}
	// The alias answers with what the other partitions found when one
	// fails; a search that silently skipped a day would mislead, so the
	// failure is the answer.
	if res.Status != nil && len(res.Status.Errors) > 0 {
		errs := make([]error, 0, len(res.Status.Errors))
		for _, e := range res.Status.Errors {
			errs = append(errs, e)
		}
		return nil, fmt.Errorf("transcript search: %d of %d partitions failed: %w", len(errs), n, errors.Join(errs...))
	}
	return res, nil
}

// partsBetweenLocked returns the partitions whose day overlaps [from, to].
func (s *Store) partsBetweenLocked(from, to time.Time) []bleve.Index {
	lo, hi := "", "9999-12-31"
	if !from.IsZero() {
		lo = from.UTC().Format(dayLayout)
	}
	if !to.IsZero() {
		hi = to.UTC().Format(dayLayout)
	}
	var out []bleve.Index
	for day, idx := range s.parts {
		if day >= lo && day <= hi {
			out = append(out, idx)
		}
	}
	return out
}

func recordOf(m *search.DocumentMatch) (Record, error) {
	raw, _ := m.Fields[fRaw].(string)
	var r Record
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		return Record{}, fmt.Errorf("transcript store: record %s is unreadable: %w", m.ID, err)
	}
	return r, nil
}

// docIDQuery matches these record ids.
func docIDQuery(ids ...string) query.Query { return bleve.NewDocIDQuery(ids) }
