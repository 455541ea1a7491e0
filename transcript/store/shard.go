package store

import (
	"cmp"
	"context"
	"slices"

	"github.com/blevesearch/bleve/v2/search"
)

// A search over several stores (one per index node, each holding its share
// of the rooms) runs in two steps, like any distributed search engine's
// query-then-fetch: each store answers its first Offset+Size hits in the
// query's order with the values bleve sorted them by (SearchShard),
// MergeOrder picks the page out of all of them exactly as one bleve index
// alias would, and each store then returns its records on that page
// (FetchShard). A first page (Offset+Size <= FullWindow) skips the second
// step: the stores answer with full hits at once.
const (
	// MaxShardWindow bounds Offset+Size of a search spread over stores:
	// every store sends that many sort keys.
	MaxShardWindow = 2000
	// FullWindow is the largest Offset+Size answered in one step.
	FullWindow = MaxSize
)

// ShardHit is one hit of one store's share of a search. Sort holds the
// values bleve ordered it by (binary: prefix-coded numbers). A keys-only
// answer fills only Record.ID, Score and Sort.
type ShardHit struct {
	Hit
	Sort [][]byte `json:"sort"`
}

// Shard is one store's answer to its share of a search.
type Shard struct {
	Total  uint64                 `json:"total"`
	TookNs int64                  `json:"took_ns"`
	Hits   []ShardHit             `json:"hits"`
	Facets map[string][]FacetTerm `json:"facets"`
}

// SearchShard answers this store's share of q: its first q.Offset+q.Size
// hits (bounded by MaxShardWindow), full (records, highlights) or keys only.
func (s *Store) SearchShard(ctx context.Context, q Query, full bool) (Shard, error) {
	if err := q.ValidateShard(); err != nil {
		return Shard{}, err
	}
	res, err := s.query(ctx, q, request{size: q.Offset + q.Size, full: full, facets: true})
	if err != nil {
		return Shard{}, err
	}
	out := Shard{Total: res.Total, TookNs: int64(res.Took), Hits: make([]ShardHit, 0, len(res.Hits)), Facets: facetsOf(res)}
	for _, m := range res.Hits {
		h := ShardHit{Hit: Hit{Record: Record{ID: m.ID}, Score: m.Score}, Sort: sortBytes(m.Sort)}
		if full {
			if h.Hit, err = hitOf(m); err != nil {
				return Shard{}, err
			}
		}
		out.Hits = append(out.Hits, h)
	}
	return out, nil
}

// FetchShard returns the full hits of q among ids (at most MaxSize), in q's
// order: the records of a page MergeOrder chose.
func (s *Store) FetchShard(ctx context.Context, q Query, ids []string) ([]ShardHit, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > MaxSize {
		return nil, badQuery("ids", "%d ids: at most %d", len(ids), MaxSize)
	}
	res, err := s.query(ctx, q, request{size: len(ids), full: true, ids: ids})
	if err != nil {
		return nil, err
	}
	out := make([]ShardHit, 0, len(res.Hits))
	for _, m := range res.Hits {
		h, err := hitOf(m)
		if err != nil {
			return nil, err
		}
		out = append(out, ShardHit{Hit: h, Sort: sortBytes(m.Sort)})
	}
	return out, nil
}

// ValidateShard is Validate with the window of a spread search.
func (q Query) ValidateShard() error {
	if q.Offset+q.Size > MaxShardWindow {
		return badQuery("page", "results beyond %d are not served: narrow the search", MaxShardWindow)
	}
	return q.Validate()
}

// ShardRef is one hit of a merged page: which shard, which of its hits.
type ShardRef struct{ Shard, Hit int }

// MergeOrder orders the hits of every shard by q's sort, comparing the
// values each store sorted by as bleve's own index alias does, and returns
// the window [q.Offset, q.Offset+q.Size).
func MergeOrder(q Query, shards [][]ShardHit) []ShardRef {
	order := search.ParseSortOrderStrings(sortOrder(q))
	scoring, desc := order.CacheIsScore(), order.CacheDescending()
	type item struct {
		ref ShardRef
		dm  *search.DocumentMatch
	}
	var all []item
	for i, hits := range shards {
		for j, h := range hits {
			dm := &search.DocumentMatch{ID: h.ID, Score: h.Score, Sort: make([]string, len(h.Sort))}
			for k, v := range h.Sort {
				dm.Sort[k] = string(v)
			}
			all = append(all, item{ShardRef{i, j}, dm})
		}
	}
	slices.SortStableFunc(all, func(a, b item) int {
		if c := order.Compare(scoring, desc, a.dm, b.dm); c != 0 {
			return c
		}
		return cmp.Compare(a.ref.Shard, b.ref.Shard)
	})
	lo, hi := min(q.Offset, len(all)), min(q.Offset+q.Size, len(all))
	out := make([]ShardRef, 0, hi-lo)
	for _, it := range all[lo:hi] {
		out = append(out, it.ref)
	}
	return out
}

// SumFacets adds the facets of several shards term by term and keeps the
// FacetSize most frequent terms of each. Each shard sends only its own top
// FacetSize, so a term that is rare on every store but common over all of
// them can be under-counted: the price every sharded engine's terms
// aggregation pays, and why FacetSize is generous.
func SumFacets(shards []map[string][]FacetTerm) map[string][]FacetTerm {
	sums := map[string]map[string]int{}
	for _, f := range shards {
		for name, terms := range f {
			if sums[name] == nil {
				sums[name] = map[string]int{}
			}
			for _, t := range terms {
				sums[name][t.Term] += t.Count
			}
		}
	}
	out := make(map[string][]FacetTerm, len(sums))
	for name, counts := range sums {
		terms := make([]FacetTerm, 0, len(counts))
		for term, n := range counts {
			terms = append(terms, FacetTerm{Term: term, Count: n})
		}
		slices.SortFunc(terms, func(a, b FacetTerm) int {
			if a.Count != b.Count {
				return cmp.Compare(b.Count, a.Count)
			}
			return cmp.Compare(a.Term, b.Term)
		})
		out[name] = terms[:min(len(terms), FacetSize)]
	}
	return out
}

func sortBytes(vals []string) [][]byte {
	out := make([][]byte, len(vals))
	for i, v := range vals {
		out[i] = []byte(v)
	}
	return out
}
