package version

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/transcript"
)

// Compiled is one version with its compiled engine. It is immutable and is
// the lexicon.Matcher the pipeline pins for an utterance; Version() puts its
// number into alerts.
type Compiled struct {
	Engine *lexicon.Engine
	Meta   Version // without YAML, to keep every worker's copy small
}

// Match implements lexicon.Matcher.
func (c *Compiled) Match(h transcript.Hypothesis) []lexicon.Hit { return c.Engine.Match(h) }

// AppendMatch is lexicon.Engine.AppendMatch.
func (c *Compiled) AppendMatch(dst []lexicon.Hit, h transcript.Hypothesis) []lexicon.Hit {
	return c.Engine.AppendMatch(dst, h)
}

// NewStream implements lexicon.StreamMatcher.
func (c *Compiled) NewStream() *lexicon.Stream { return c.Engine.NewStream() }

// Version implements pipeline.Versioned.
func (c *Compiled) Version() string { return c.Meta.Label() }

// Active holds the compiled version in force on this worker. The zero
// value holds nothing; Load returns nil until the first Swap.
type Active struct {
	p atomic.Pointer[Compiled]

	mu      sync.Mutex
	swapped chan struct{} // closed and cleared by the next swap; nil: nobody waits
}

// Load returns the version in force (nil before the first one).
func (a *Active) Load() *Compiled { return a.p.Load() }

// Matcher is the pipeline's MatcherFunc: one atomic load per utterance.
func (a *Active) Matcher() lexicon.Matcher { return a.p.Load() }

// swap installs c if it is newer than what is active; it reports whether
// it did. Versions only move forward (a rollback is a newer number).
func (a *Active) swap(c *Compiled) bool {
	for {
		old := a.p.Load()
		if old != nil && old.Meta.Number >= c.Meta.Number {
			return false
		}
		if a.p.CompareAndSwap(old, c) {
			a.mu.Lock()
			if a.swapped != nil {
				close(a.swapped)
				a.swapped = nil
			}
			a.mu.Unlock()
			return true
		}
	}
}

// next returns a channel closed by the next swap.
func (a *Active) next() <-chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.swapped == nil {
		a.swapped = make(chan struct{})
	}
	return a.swapped
}

// waitFor blocks until version n or a later one is in force, ctx ends or
// stop is closed.
func (a *Active) waitFor(ctx context.Context, n int, stop <-chan struct{}) (*Compiled, error) {
	for {
		swapped := a.next() // before Load: a swap between the two is not missed
		if c := a.Load(); c != nil && c.Meta.Number >= n {
			return c, nil
		}
		select {
		case <-swapped:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-stop:
			return nil, ErrStopped
		}
	}
}
