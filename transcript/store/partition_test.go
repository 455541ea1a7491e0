package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/earshot/earshot/internal/testutil"
)

// panicky is an index whose searches panic, as bleve does on some damaged
// segments.
type panicky struct{ bleveIndex }

func (panicky) SearchInContext(context.Context, *bleve.SearchRequest) (*bleve.SearchResult, error) {
	panic("index out of range [7] with length 3")
}

func (panicky) Name() string { return "panicky" }

// TestSearchPanicBecomesError: a partition that panics while the alias
// searches it (on a goroutine of the alias's own) gives the search an error
// naming ErrDamaged, and is handed to the checker; the process lives on.
func TestSearchPanicBecomesError(t *testing.T) {
	s := openTest(t, t.TempDir(), Options{})
	addAll(t, s, corpus()...)
	s.mu.Lock()
	p := &partition{bleveIndex: panicky{}, day: "2026-03-11", damaged: func(day string, err error) {
		if day != "2026-03-11" || !errors.Is(err, ErrDamaged) {
			t.Errorf("damaged(%q, %v)", day, err)
		}
	}}
	s.parts[p.day] = p
	s.alias.Add(p)
	s.mu.Unlock()
	_, err := s.Search(context.Background(), Query{Text: "weixin"})
	if !errors.Is(err, ErrDamaged) {
		t.Fatalf("search over a panicking partition: %v, want ErrDamaged", err)
	}
	// The same partition reported through the store's own hook reaches the
	// checker, which finds nothing to verify in a non-scorch index.
	s.suspectDamage(p.day, err)
	testutil.WaitFor(t, 5*time.Second, "the checker to take the report", func() bool { return len(s.suspect) == 0 })
	s.mu.Lock()
	s.alias.Remove(p)
	delete(s.parts, p.day)
	s.mu.Unlock()
}

// TestReadyReportsAStuckBatch: a batch that bleve holds past stallAfter
// (its background loops died) makes Ready say the writes are stuck.
func TestReadyReportsAStuckBatch(t *testing.T) {
	s := openTest(t, t.TempDir(), Options{})
	ctx := context.Background()
	s.health.batchStarted(time.Now().Add(-stallAfter - time.Second))
	if err := s.Ready(ctx); err == nil || !strings.Contains(err.Error(), "stuck") {
		t.Fatalf("Ready with a stuck batch: %v", err)
	}
	s.health.batchEnded()
	if err := s.Ready(ctx); err != nil {
		t.Fatalf("Ready after the batch ended: %v", err)
	}
}
