package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSearchSemantics(t *testing.T) {
	s := openTest(t, t.TempDir(), Options{})
	addAll(t, s, corpus()...)
	cases := []struct {
		name string
		q    Query
		want []string // ids, in any order unless sorted by time
		mark string   // a highlight fragment must contain this
	}{
		{"stemmed english", Query{Text: "cure"}, []string{"r1.s1.1"}, "<mark>cures</mark>"},
		{"phrase", Query{Text: `"best cream"`}, []string{"r1.s1.2"}, "<mark>best cream</mark>"},
		{"phrase order matters", Query{Text: `"cream best"`}, nil, ""},
		{"fuzzy", Query{Text: "wechad~1"}, []string{"r1.s1.3"}, "<mark>WeChat</mark>"},
		{"no fuzzy without tilde", Query{Text: "wechad"}, nil, ""},
		{"must and not", Query{Text: "+cream -world"}, []string{"r1.s1.1", "r3.s1.2"}, "<mark>cream</mark>"},
		{"zh substring", Query{Text: "全网第一"}, []string{"r2.s1.2"}, "<mark>全网第一</mark>"},
		{"zh shared bigram only", Query{Text: "全网"}, []string{"r2.s1.1", "r2.s1.2"}, "<mark>全网</mark>"},
		{"pinyin finds han", Query{Text: "weixin"}, []string{"r2.s1.1"}, "<mark>威信</mark>"},
		{"pinyin field", Query{Text: `pinyin:"jia wo"`}, []string{"r2.s1.1"}, "<mark>加我</mark>"},
		{"field syntax", Query{Text: "category:price-fraud"}, []string{"r2.s1.1"}, ""},
		{"room filter", Query{Text: "cream", Rooms: []string{"r3"}}, []string{"r3.s1.2"}, ""},
		{"two rooms ORed", Query{Rooms: []string{"r1", "r3"}, Categories: []string{"absolute-claim"}}, []string{"r1.s1.2"}, ""},
		{"category filter", Query{Categories: []string{"private-goods"}}, []string{"r1.s1.3", "r2.s1.1"}, ""},
		{"rule filter", Query{Rules: []string{"ac-first"}}, []string{"r2.s1.2"}, ""},
		{"anchor filter", Query{Anchors: []string{"anchor-r2"}, Text: "大家好"}, []string{"r2.s1.3"}, ""},
		{"time range", Query{From: base.Add(-25 * time.Hour), To: base.Add(-time.Hour)}, []string{"r3.s1.2", "r3.s1.1"}, ""},
		{"numeric range", Query{Text: "+start_ms:>=3000 +room:r1"}, []string{"r1.s1.3"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := s.Search(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			got := ids(res.Hits)
			if !sameSet(got, tc.want) {
				t.Fatalf("hits %v, want %v", got, tc.want)
			}
			if tc.mark == "" {
				return
			}
			if frag := strings.Join(res.Hits[0].Highlights["text"], " "); !strings.Contains(frag, tc.mark) {
				t.Errorf("highlight %q lacks %q", frag, tc.mark)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestSortPagingFacets(t *testing.T) {
	s := openTest(t, t.TempDir(), Options{})
	addAll(t, s, corpus()...)
	ctx := context.Background()
	var seen []string
	for off := 0; off < 8; off += 3 {
		res, err := s.Search(ctx, Query{Sort: SortTime, Offset: off, Size: 3})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 8 {
			t.Fatalf("total %d, want 8", res.Total)
		}
		seen = append(seen, ids(res.Hits)...)
	}
	want := []string{"r3.s1.1", "r3.s1.2", "r1.s1.1", "r1.s1.2", "r1.s1.3", "r2.s1.1", "r2.s1.2", "r2.s1.3"}
	if !slices.Equal(seen, want) {
		t.Errorf("time order over pages %v, want %v", seen, want)
	}
	res, err := s.Search(ctx, Query{Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Hits[0].ID != "r2.s1.3" {
		t.Errorf("default sort without text is newest first, got %s", res.Hits[0].ID)
	}
	cat := map[string]int{}
	for _, f := range res.Facets["category"] {
		cat[f.Term] = f.Count
	}
	if cat["private-goods"] != 2 || cat["absolute-claim"] != 2 || cat["medical-claim"] != 1 {
		t.Errorf("category facet %v", res.Facets["category"])
	}
	if len(res.Facets["room"]) != 3 || len(res.Facets["anchor"]) != 3 {
		t.Errorf("room/anchor facets %v %v", res.Facets["room"], res.Facets["anchor"])
	}
}

func TestBadQueries(t *testing.T) {
	s := openTest(t, t.TempDir(), Options{})
	addAll(t, s, corpus()...)
	cases := []struct {
		name  string
		q     Query
		param string
	}{
		{"unbalanced quote", Query{Text: `"cures diabetes`}, "q"},
		{"field without value", Query{Text: "room:"}, "q"},
		{"bad boost", Query{Text: "cream^x"}, "q"},
		{"bad date", Query{Text: `at:>"yesterday"`}, "q"},
		{"fuzziness too big", Query{Text: "cream~5"}, "q"},
		{"bad regexp", Query{Text: "/a(b/"}, "q"},
		{"size", Query{Size: 101}, "size"},
		{"window", Query{Offset: 9950, Size: 100}, "page"},
		{"from after to", Query{From: base, To: base.Add(-time.Hour)}, "from"},
		{"sort", Query{Sort: "loudest"}, "sort"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Search(context.Background(), tc.q)
			var qe *QueryError
			if !errors.As(err, &qe) || qe.Param != tc.param {
				t.Fatalf("error %v, want a QueryError about %s", err, tc.param)
			}
		})
	}
}

func TestSearchEmptyStore(t *testing.T) {
	s := openTest(t, t.TempDir(), Options{})
	for _, q := range []Query{{}, {Text: "cream"}, {From: base}} {
		res, err := s.Search(context.Background(), q)
		if err != nil || res.Total != 0 {
			t.Errorf("%+v on an empty store: %v %v", q, res.Total, err)
		}
	}
	if _, err := s.Get(context.Background(), "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("get on an empty store: %v", err)
	}
}
