package server

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/earshot/earshot/alerter"
)

// onlyParams refuses a query parameter the route does not take, or one
// given twice, naming it: a misspelt filter must not list everything.
func onlyParams(q url.Values, names ...string) error {
	for k, v := range q {
		if !slices.Contains(names, k) {
			want := "none"
			if len(names) > 0 {
				want = strings.Join(names, ", ")
			}
			return fmt.Errorf("unknown parameter %q: this route takes %s", k, want)
		}
		if len(v) > 1 {
			return fmt.Errorf("parameter %q given %d times: give it once", k, len(v))
		}
	}
	return nil
}

// subjectFilters checks the room and category filters of a listing, each
// a token of a subject filter when given: a "*" or "a.b" would match
// other rooms or categories.
func subjectFilters(room, category string) error {
	if room != "" {
		if err := alerter.ValidRoomID(room); err != nil {
			return err
		}
	}
	if category != "" {
		return alerter.ValidCategory(category)
	}
	return nil
}
