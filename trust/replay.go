package trust

import (
	"context"
	"errors"
	"time"

	"github.com/earshot/earshot/alerter"
)

// Replay counts msgs in order, as the ledger would, into a new View (for
// tests, backfills and the documentation's worked example). find looks
// alerts up by id when a decision comes before its alert; nil finds none.
// Messages that are not valid are skipped; their errors are returned
// joined, after the view is complete.
func Replay(ctx context.Context, msgs []Msg, find func(context.Context, string) (alerter.Alert, error),
	window int, now func() time.Time) (*View, error) {
	c := newCache(nil, find)
	var errs []error
	for _, m := range msgs {
		if err := apply(ctx, c, m); err != nil {
			errs = append(errs, err)
		}
	}
	v := NewView(window, 0, now)
	for key, e := range c.entries {
		if e.day == nil {
			continue
		}
		if kind, id, date, ok := parseDayKey(key); ok {
			v.set(key, kind, id, date, *e.day, 0)
		}
	}
	v.MarkReady()
	return v, errors.Join(errs...)
}
