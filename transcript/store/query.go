package store

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/earshot/earshot/analysis/pinyin"
)

// QueryError is a search the caller got wrong (an HTTP 400), as opposed
// to a store failure.
type QueryError struct {
	Param string // which input: q, size, from, ...
	Msg   string
}

func (e *QueryError) Error() string { return e.Param + ": " + e.Msg }

func badQuery(param, format string, args ...any) error {
	return &QueryError{Param: param, Msg: fmt.Sprintf(format, args...)}
}

// textQuery parses q (bleve query-string syntax) and rewrites terms that
// name no field so they search the right analyzed fields:
//   - Chinese terms are phrases over cjk bigrams (a substring search: 全网第一
//     does not match every 第一);
//   - Latin terms search the stemmed English field, and when they spell two
//     or more pinyin syllables also the pinyin field (weixin finds 威信);
//   - fuzzy, prefix, wildcard and regexp terms search the English and
//     Chinese fields.
//
// A query whose form is costly (checkCost, cost.go) is refused first.
func textQuery(q string, l SearchLimits) (query.Query, error) {
	if strings.TrimSpace(q) == "" {
		return bleve.NewMatchAllQuery(), nil
	}
	parsed, err := bleve.NewQueryStringQuery(q).Parse()
	if err != nil {
		return nil, badQuery("q", "%q is not valid query syntax (%v): quote phrases, and escape + - : ~ ^ / \\ with a backslash", q, err)
	}
	if err := checkCost(parsed, l); err != nil {
		return nil, err
	}
	out, err := rewrite(parsed)
	if err != nil {
		return nil, err
	}
	if v, ok := out.(query.ValidatableQuery); ok {
		if err := v.Validate(); err != nil {
			return nil, badQuery("q", "%v", err)
		}
	}
	return out, nil
}

func rewrite(q query.Query) (query.Query, error) {
	switch t := q.(type) {
	case *query.BooleanQuery:
		for _, sub := range []*query.Query{&t.Must, &t.Should, &t.MustNot, &t.Filter} {
			if *sub == nil {
				continue
			}
			r, err := rewrite(*sub)
			if err != nil {
				return nil, err
			}
			*sub = r
		}
		return t, nil
	case *query.ConjunctionQuery:
		return t, rewriteAll(t.Conjuncts)
	case *query.DisjunctionQuery:
		return t, rewriteAll(t.Disjuncts)
	case *query.MatchQuery:
		return rewriteMatch(t)
	case *query.MatchPhraseQuery:
		if t.FieldVal == "" && hasHan(t.MatchPhrase) {
			t.SetField(fTextZh)
		}
		return t, nil
	case *query.FuzzyQuery:
		if t.Fuzziness < 0 || t.Fuzziness > 2 {
			return nil, badQuery("q", "fuzziness of %q is %d: use ~1 or ~2", t.Term, t.Fuzziness)
		}
		return bothFields(t.FieldVal, func(f string) query.Query {
			c := *t
			c.SetField(f)
			return &c
		}), nil
	case *query.RegexpQuery:
		if _, err := regexp.Compile(t.Regexp); err != nil {
			return nil, badQuery("q", "regular expression /%s/: %v", t.Regexp, err)
		}
		return bothFields(t.FieldVal, func(f string) query.Query {
			c := *t
			c.SetField(f)
			return &c
		}), nil
	case *query.WildcardQuery:
		return bothFields(t.FieldVal, func(f string) query.Query {
			c := *t
			c.SetField(f)
			return &c
		}), nil
	case *query.PrefixQuery:
		return bothFields(t.FieldVal, func(f string) query.Query {
			c := *t
			c.SetField(f)
			return &c
		}), nil
	case *query.DateRangeQuery:
		if t.FieldVal == "" {
			return nil, badQuery("q", "a date range needs a field, e.g. at:>\"2026-01-02T15:04:05Z\"")
		}
		return t, nil
	}
	return q, nil
}

func rewriteAll(qs []query.Query) error {
	for i, sub := range qs {
		r, err := rewrite(sub)
		if err != nil {
			return err
		}
		qs[i] = r
	}
	return nil
}

func rewriteMatch(m *query.MatchQuery) (query.Query, error) {
	if m.Fuzziness < 0 || m.Fuzziness > 2 {
		return nil, badQuery("q", "fuzziness of %q is %d: use ~1 or ~2", m.Match, m.Fuzziness)
	}
	if m.FieldVal != "" {
		return m, nil
	}
	if hasHan(m.Match) {
		p := bleve.NewMatchPhraseQuery(m.Match)
		p.SetField(fTextZh)
		if m.BoostVal != nil {
			p.SetBoost(m.BoostVal.Value())
		}
		return p, nil
	}
	m.SetField(fText)
	if syl := pinyin.Split(strings.ToLower(m.Match)); len(syl) >= 2 {
		py := bleve.NewMatchPhraseQuery(m.Match)
		py.SetField(fPinyin)
		return bleve.NewDisjunctionQuery(m, py), nil
	}
	return m, nil
}

// bothFields runs a term-level query on the English and Chinese fields when
// it names no field.
func bothFields(field string, with func(string) query.Query) query.Query {
	if field != "" {
		return with(field)
	}
	return bleve.NewDisjunctionQuery(with(fText), with(fTextZh))
}

// filterQuery ANDs the structured filters: several values of one filter
// are ORed (room=a&room=b).
func filterQuery(q Query, text query.Query) query.Query {
	parts := []query.Query{text}
	add := func(field string, values []string) {
		if len(values) == 0 {
			return
		}
		var or []query.Query
		for _, v := range values {
			t := bleve.NewTermQuery(v)
			t.SetField(field)
			or = append(or, t)
		}
		parts = append(parts, bleve.NewDisjunctionQuery(or...))
	}
	add(fRoom, q.Rooms)
	add(fAnchor, q.Anchors)
	add(fMerchant, q.Merchants)
	add(fCategory, q.Categories)
	add(fRule, q.Rules)
	add(fSession, q.Sessions)
	if r := timeRange(q.From, q.To); r != nil {
		parts = append(parts, r)
	}
	if len(parts) == 1 {
		return text
	}
	return bleve.NewConjunctionQuery(parts...)
}

// timeRange matches at in [from, to]; either bound may be zero.
func timeRange(from, to time.Time) query.Query {
	if from.IsZero() && to.IsZero() {
		return nil
	}
	yes := true
	r := bleve.NewDateRangeInclusiveQuery(from, to, &yes, &yes)
	r.SetField(fAt)
	return r
}
