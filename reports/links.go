package reports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter/disposition"
)

// MaxLinked bounds the reporters one alert link keeps (the rest are
// counted, not credited).
const MaxLinked = 500

// Link ties an alert to the viewers who reported its moment: a
// viewer-reports alert to its burst's reporters, a rule alert to the
// reports that corroborate it. Staff's decision on the alert is credited
// to each linked reporter's record once (Credited).
type Link struct {
	AlertID string `json:"alert_id"`
	// Reports counts the reports linked; Weight adds up their weights.
	Reports int     `json:"reports"`
	Weight  float64 `json:"weight"`
	// Reporters are the linked reporters' hashes (at most MaxLinked).
	Reporters []string `json:"reporters,omitempty"`
	// ViewerAlert is the viewer-reports alert of the same moment, if one
	// was raised.
	ViewerAlert string `json:"viewer_alert,omitempty"`
	// Credited is the decision already counted in the reporters' records
	// ("confirmed", "dismissed" or empty).
	Credited string `json:"credited,omitempty"`
}

func (l *Link) add(reporter string, weight float64) {
	if slices.Contains(l.Reporters, reporter) {
		return
	}
	l.Reports++
	l.Weight += weight
	if len(l.Reporters) < MaxLinked {
		l.Reporters = append(l.Reporters, reporter)
	}
}

func linkKey(alertID string) string    { return "corr." + alertID }
func recordKey(reporter string) string { return "rec." + reporter }

// maxCAS bounds the compare-and-set retries of one update.
const maxCAS = 20

// update applies fn to the JSON value of key with compare-and-set, so
// concurrent API nodes never lose each other's changes. fn returns false
// to leave the value as it is.
func update[T any](ctx context.Context, kv jetstream.KeyValue, key string, fn func(v *T, found bool) bool) error {
	for range maxCAS {
		var v T
		var rev uint64
		e, err := kv.Get(ctx, key)
		switch {
		case errors.Is(err, jetstream.ErrKeyNotFound):
		case err != nil:
			return err
		default:
			rev = e.Revision()
			if err := json.Unmarshal(e.Value(), &v); err != nil {
				return fmt.Errorf("reports: %s: %w", key, err)
			}
		}
		if !fn(&v, rev != 0) {
			return nil
		}
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if rev == 0 {
			_, err = kv.Create(ctx, key, data)
		} else {
			_, err = kv.Update(ctx, key, data, rev)
		}
		if err == nil {
			return nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) && !isWrongSequence(err) {
			return err
		}
	}
	return fmt.Errorf("reports: %s: still contended after %d tries", key, maxCAS)
}

func isWrongSequence(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence
}

// link updates alertID's link.
func (s *Service) link(ctx context.Context, alertID string, fn func(*Link)) error {
	return update(ctx, s.kv, linkKey(alertID), func(l *Link, _ bool) bool {
		l.AlertID = alertID
		fn(l)
		return true
	})
}

// countReport counts one more report in reporter's record and returns the
// record as it was before (the weight is the record's, not this report's).
func (s *Service) countReport(ctx context.Context, reporter string, now time.Time) (Record, error) {
	var before Record
	err := update(ctx, s.kv, recordKey(reporter), func(r *Record, _ bool) bool {
		before = *r
		r.Reports++
		if r.First.IsZero() {
			r.First = now
		}
		return true
	})
	return before, err
}

// RecordOf returns reporter's record (zero when they never reported).
func (s *Service) RecordOf(ctx context.Context, reporter string) (Record, error) {
	var r Record
	e, err := s.kv.Get(ctx, recordKey(reporter))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return r, nil
	}
	if err != nil {
		return r, err
	}
	return r, json.Unmarshal(e.Value(), &r)
}

// onDisposition credits staff's decision on an alert to the records of
// the reporters linked to it.
func (s *Service) onDisposition(ctx context.Context, m *nats.Msg) {
	var d disposition.Disposition
	if err := json.Unmarshal(m.Data, &d); err != nil || d.AlertID == "" {
		return
	}
	if err := s.credit(ctx, d.AlertID, string(d.Decision)); err != nil {
		s.opts.Logger.Warn("reporters not credited with a decision", "alert", d.AlertID, "err", err)
	}
}

// credit moves alertID's linked reporters' records from the decision
// credited before to decision (needs_review credits nothing). Every API
// node hears the decision; the compare-and-set on the link lets exactly
// one of them credit it.
func (s *Service) credit(ctx context.Context, alertID, decision string) error {
	if decision != string(disposition.Confirmed) && decision != string(disposition.Dismissed) {
		decision = ""
	}
	var old string
	var reporters []string
	err := update(ctx, s.kv, linkKey(alertID), func(l *Link, found bool) bool {
		if !found || l.Credited == decision {
			reporters = nil
			return false
		}
		old, reporters = l.Credited, slices.Clone(l.Reporters)
		l.Credited = decision
		return true
	})
	if err != nil {
		return err
	}
	for _, r := range reporters {
		err := update(ctx, s.kv, recordKey(r), func(rec *Record, _ bool) bool {
			bump(rec, old, -1)
			bump(rec, decision, 1)
			return true
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func bump(r *Record, decision string, by int) {
	switch decision {
	case string(disposition.Confirmed):
		r.Confirmed = max(0, r.Confirmed+by)
	case string(disposition.Dismissed):
		r.Dismissed = max(0, r.Dismissed+by)
	}
}

// Corroboration is how far an alert is corroborated by viewer reports.
func (s *Service) Corroboration(alertID string) (Link, bool) { return s.links.get(alertID) }

// linkCache holds every link (a KV watch), so listing alerts needs no
// lookup per alert.
type linkCache struct {
	c *lru.Cache[string, Link] // safe for concurrent use
}

// maxCachedLinks bounds the links held in memory.
const maxCachedLinks = 200000

func newLinkCache() *linkCache {
	c, _ := lru.New[string, Link](maxCachedLinks)
	return &linkCache{c: c}
}

func (c *linkCache) get(id string) (Link, bool) { return c.c.Get(id) }

func (c *linkCache) watch(ctx context.Context, kv jetstream.KeyValue, wg *sync.WaitGroup, log *slog.Logger) error {
	w, err := kv.Watch(ctx, "corr.>")
	if err != nil {
		return fmt.Errorf("reports: watching links: %w", err)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() { _ = w.Stop() }()
		for {
			select {
			case <-ctx.Done():
				return
			case e, ok := <-w.Updates():
				if !ok {
					return
				}
				if e == nil {
					continue // the initial values are in
				}
				id := strings.TrimPrefix(e.Key(), "corr.")
				if e.Operation() != jetstream.KeyValuePut {
					c.c.Remove(id)
					continue
				}
				var l Link
				if err := json.Unmarshal(e.Value(), &l); err != nil {
					log.Warn("malformed alert link", "key", e.Key(), "err", err)
					continue
				}
				c.c.Add(id, l)
			}
		}
	}()
	return nil
}
