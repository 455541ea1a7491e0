package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// SearchLimits bound what one search may cost, so a query cannot keep the
// index busy for seconds: a query that is costly by its form is refused
// before it runs (*CostError), one that expands to too many index terms is
// refused as soon as bleve counts them, one that runs past its time budget
// is cancelled (ErrBudget), and beyond MaxConcurrent searches at once the
// next is refused (ErrBusy). Zero fields take the defaults.
type SearchLimits struct {
	// MaxConcurrent searches run at once; default 4.
	MaxConcurrent int
	// Timeout is one search's time budget (bleve's context cancellation);
	// default 5 s.
	Timeout time.Duration
	// MaxTerms bounds the index terms a search expands to in one partition
	// (wildcards, regexps, fuzzy terms: bleve's MaxTermSearchersKey);
	// default 4096.
	MaxTerms int
	// MinPrefix is the literal text a wildcard or regexp must start with,
	// in characters (a Chinese character counts two): no leading
	// wildcards. Default 2.
	MinPrefix int
	// MaxExpanding bounds the wildcard, regexp and fuzzy terms of one
	// query; default 4.
	MaxExpanding int
	// MinFuzzy is the shortest term a fuzzy match may have; default 3.
	MinFuzzy int
}

// DefaultSearchLimits are the limits of a zero SearchLimits.
func DefaultSearchLimits() SearchLimits {
	return SearchLimits{MaxConcurrent: 4, Timeout: 5 * time.Second, MaxTerms: 4096, MinPrefix: 2, MaxExpanding: 4, MinFuzzy: 3}
}

func (l SearchLimits) withDefaults() SearchLimits {
	d := DefaultSearchLimits()
	for _, f := range []struct{ v, def *int }{{&l.MaxConcurrent, &d.MaxConcurrent}, {&l.MaxTerms, &d.MaxTerms},
		{&l.MinPrefix, &d.MinPrefix}, {&l.MaxExpanding, &d.MaxExpanding}, {&l.MinFuzzy, &d.MinFuzzy}} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	if l.Timeout <= 0 {
		l.Timeout = d.Timeout
	}
	return l
}

// ErrBusy: every search slot is taken; retry shortly.
var ErrBusy = errors.New("transcript store: every search slot is taken")

// ErrBudget is wrapped by a search that ran past its time budget.
var ErrBudget = errors.New("transcript search ran past its time budget")

// CostError is a query refused for what it would cost (an HTTP 400): it
// says what to change.
type CostError struct{ Msg string }

func (e *CostError) Error() string { return "q: too costly: " + e.Msg }

func costly(format string, args ...any) error { return &CostError{Msg: fmt.Sprintf(format, args...)} }

// checkCost refuses a parsed query whose form is costly: too many
// expanding terms, wildcards and regexps without a literal start, fuzzy
// matches of short terms.
func checkCost(q query.Query, l SearchLimits) error {
	expanding := 0
	var walk func(query.Query) error
	walk = func(q query.Query) error {
		switch t := q.(type) {
		case *query.BooleanQuery:
			for _, sub := range []query.Query{t.Must, t.Should, t.MustNot, t.Filter} {
				if sub != nil {
					if err := walk(sub); err != nil {
						return err
					}
				}
			}
		case *query.ConjunctionQuery:
			for _, sub := range t.Conjuncts {
				if err := walk(sub); err != nil {
					return err
				}
			}
		case *query.DisjunctionQuery:
			for _, sub := range t.Disjuncts {
				if err := walk(sub); err != nil {
					return err
				}
			}
		case *query.WildcardQuery:
			expanding++
			if p := wildcardPrefix(t.Wildcard); width(p) < l.MinPrefix {
				return costly("wildcard %q: start it with at least %d literal characters (no leading * or ?)", t.Wildcard, l.MinPrefix)
			}
		case *query.PrefixQuery:
			expanding++
			if width(t.Prefix) < l.MinPrefix {
				return costly("prefix %q: use at least %d characters", t.Prefix, l.MinPrefix)
			}
		case *query.RegexpQuery:
			expanding++
			re, err := regexp.Compile(t.Regexp)
			if err != nil {
				return badQuery("q", "regular expression /%s/: %v", t.Regexp, err)
			}
			if p, _ := re.LiteralPrefix(); width(p) < l.MinPrefix {
				return costly("regular expression /%s/: start it with at least %d literal characters", t.Regexp, l.MinPrefix)
			}
		case *query.FuzzyQuery:
			expanding++
			if utf8.RuneCountInString(t.Term) < l.MinFuzzy {
				return costly("fuzzy term %q: use it on terms of at least %d characters", t.Term, l.MinFuzzy)
			}
		case *query.MatchQuery:
			if t.Fuzziness > 0 {
				expanding++
				if utf8.RuneCountInString(t.Match) < l.MinFuzzy {
					return costly("fuzzy term %q: use it on terms of at least %d characters", t.Match, l.MinFuzzy)
				}
			}
		}
		if expanding > l.MaxExpanding {
			return costly("more than %d wildcard, regexp or fuzzy terms in one query", l.MaxExpanding)
		}
		return nil
	}
	return walk(q)
}

// wildcardPrefix is the literal start of a bleve wildcard pattern.
func wildcardPrefix(w string) string {
	if i := strings.IndexAny(w, "*?"); i >= 0 {
		return w[:i]
	}
	return w
}

// width counts characters, a Chinese one as two: one Han character is
// as selective as two Latin letters.
func width(s string) int {
	n := 0
	for _, r := range s {
		n++
		if unicode.Is(unicode.Han, r) {
			n++
		}
	}
	return n
}

// costContext gives a search its term bound and time budget.
func costContext(ctx context.Context, l SearchLimits) (context.Context, context.CancelFunc) {
	ctx = context.WithValue(ctx, search.MaxTermSearchersKey, l.MaxTerms)
	return context.WithTimeout(ctx, l.Timeout)
}

// costResult turns what bleve answers for a search over its limits into
// the store's errors; parent is the caller's context, ctx the budgeted one.
func costResult(parent context.Context, err error, l SearchLimits) error {
	switch {
	case err == nil:
		return nil
	case strings.Contains(err.Error(), "TooManyTermSearchers"):
		// bleve's term bound (search.RecordTermSearcher) has no error value.
		return costly("the query expands to more than %d index terms: make wildcards, regexps and fuzzy terms more specific", l.MaxTerms)
	case errors.Is(err, context.DeadlineExceeded) && parent.Err() == nil:
		return fmt.Errorf("%w of %v: narrow it (a room, a time range, fewer or more specific wildcards)", ErrBudget, l.Timeout)
	}
	return err
}

// acquire takes a search slot, or fails at once with ErrBusy.
func (s *Store) acquire() (release func(), err error) {
	select {
	case s.searches <- struct{}{}:
		return func() { <-s.searches }, nil
	default:
		return nil, fmt.Errorf("%w (%d searches running)", ErrBusy, cap(s.searches))
	}
}
