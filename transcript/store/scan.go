package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// ErrNotFound is returned by Get for an id the store does not hold.
var ErrNotFound = errors.New("transcript not found")

// ErrUnavailable is wrapped by a read spread over several stores
// (cluster/search) when none that hold transcripts answered: try again.
var ErrUnavailable = errors.New("transcript stores unavailable")

// MaxAround bounds the records Around returns.
const MaxAround = 1000

// scanPage is how many records Scan reads per search.
const scanPage = 1000

// Scan calls fn with every stored record whose At is in [from, to] (zero
// bounds are open), in time order, one partition at a time. It stops at
// the first error from fn or ctx. Records indexed during the scan may or
// may not be seen.
func (s *Store) Scan(ctx context.Context, from, to time.Time, fn func(Record) error) error {
	days := s.Partitions()
	lo, hi := "", "9999-12-31"
	if !from.IsZero() {
		lo = from.UTC().Format(dayLayout)
	}
	if !to.IsZero() {
		hi = to.UTC().Format(dayLayout)
	}
	for _, day := range days {
		if day < lo || day > hi {
			continue
		}
		if err := s.scanDay(ctx, day, from, to, fn); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) scanDay(ctx context.Context, day string, from, to time.Time, fn func(Record) error) error {
	var q query.Query = bleve.NewMatchAllQuery()
	if r := timeRange(from, to); r != nil {
		q = r
	}
	var after []string
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		req := bleve.NewSearchRequestOptions(q, scanPage, 0, false)
		req.Fields = []string{fRaw}
		req.SortBy([]string{fAt, "_id"})
		if after != nil {
			req.SetSearchAfter(after)
		}
		res, ok, err := s.searchDay(ctx, day, req)
		if err != nil || !ok {
			return err // a partition dropped mid-scan has nothing left to give
		}
		for _, m := range res.Hits {
			rec, err := recordOf(m)
			if err != nil {
				return err
			}
			if err := fn(rec); err != nil {
				return err
			}
		}
		if len(res.Hits) < scanPage {
			return nil
		}
		after = res.Hits[len(res.Hits)-1].Sort
	}
}

// searchDay searches one partition under the read lock; ok is false when
// the partition is gone.
func (s *Store) searchDay(ctx context.Context, day string, req *bleve.SearchRequest) (*bleve.SearchResult, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	idx, ok := s.parts[day]
	if !ok || s.closed {
		return nil, false, nil
	}
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, false, fmt.Errorf("transcript store: scanning %s: %w", day, err)
	}
	return res, true, nil
}

// Get returns the record with id, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (Record, error) {
	req := bleve.NewSearchRequestOptions(docIDQuery(id), 1, 0, false)
	req.Fields = []string{fRaw}
	res, err := s.search(ctx, req, time.Time{}, time.Time{})
	if err != nil {
		return Record{}, err
	}
	if len(res.Hits) == 0 {
		return Record{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return recordOf(res.Hits[0])
}

// Around returns room's records from at-before to at+after in time order
// (at most MaxAround): the timeline around a moment.
func (s *Store) Around(ctx context.Context, room string, at time.Time, before, after time.Duration) ([]Record, error) {
	if before < 0 || after < 0 {
		return nil, badQuery("before", "before and after must not be negative")
	}
	from, to := at.Add(-before), at.Add(after)
	q := bleve.NewConjunctionQuery(termQuery(fRoom, room), timeRange(from, to))
	req := bleve.NewSearchRequestOptions(q, MaxAround, 0, false)
	req.Fields = []string{fRaw}
	req.SortBy([]string{fAt, "_id"})
	res, err := s.search(ctx, req, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]Record, 0, len(res.Hits))
	for _, m := range res.Hits {
		rec, err := recordOf(m)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// HasRoom reports whether any stored record belongs to room.
func (s *Store) HasRoom(ctx context.Context, room string) (bool, error) {
	req := bleve.NewSearchRequestOptions(termQuery(fRoom, room), 0, 0, false)
	res, err := s.search(ctx, req, time.Time{}, time.Time{})
	if err != nil {
		return false, err
	}
	return res.Total > 0, nil
}

func termQuery(field, v string) query.Query {
	t := bleve.NewTermQuery(v)
	t.SetField(field)
	return t
}
