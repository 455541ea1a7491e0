package trust

import (
	"context"
	"errors"
	"sync"
	"time"
)

// merger orders the sources' messages by the time the server stored them:
// it hands out the oldest head, and waits while a source that is behind
// (the server holds more of it) has nothing delivered yet, since its next
// message may be older than every head. A caught-up source holds the
// others back only for grace after a head arrived (by this node's clock,
// so a server's clock cannot stall it): live, an alert stored a moment
// before the reminder naming it may still be on its way.
type merger struct {
	mu    sync.Mutex
	feeds []*feedState
	wake  chan struct{} // a message arrived, or a source ended
}

type feedState struct {
	ch       chan Msg
	head     *Msg
	caughtUp bool
	closed   bool
}

// grace is how long a head waits for a caught-up source's older messages.
const grace = 250 * time.Millisecond

func newMerger(n int) *merger {
	m := &merger{feeds: make([]*feedState, n), wake: make(chan struct{}, 1)}
	for i := range m.feeds {
		m.feeds[i] = &feedState{ch: make(chan Msg, 256)}
	}
	return m
}

// push queues a source's message; false once ctx ended.
func (m *merger) push(ctx context.Context, i int, msg Msg) bool {
	msg.arrived = time.Now()
	select {
	case m.feeds[i].ch <- msg:
	case <-ctx.Done():
		return false
	}
	m.poke()
	return true
}

func (m *merger) poke() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// close says source i ended.
func (m *merger) close(i int) {
	m.mu.Lock()
	close(m.feeds[i].ch)
	m.mu.Unlock()
	m.poke()
}

var errSourceEnded = errors.New("trust: a source's consumer ended")

// next is the oldest message that may go at now; else nil and how long
// to wait at most (0: until wake), or an error when a source ended.
func (m *merger) next(now time.Time) (*Msg, time.Duration, error) {
	best, idle := -1, false
	for i, f := range m.feeds {
		if f.head == nil && !f.closed {
			select {
			case msg, ok := <-f.ch:
				if ok {
					f.head = &msg
				} else {
					f.closed = true
				}
			default:
			}
		}
		switch {
		case f.head == nil && f.closed:
			return nil, 0, errSourceEnded
		case f.head == nil && !f.caughtUp:
			return nil, 0, nil // its next message may be the oldest
		case f.head == nil:
			idle = true
		case best < 0 || f.head.Time.Before(m.feeds[best].head.Time):
			best = i
		}
	}
	if best < 0 {
		return nil, 0, nil
	}
	f := m.feeds[best]
	if wait := grace - now.Sub(f.head.arrived); idle && wait > 0 {
		return nil, wait, nil
	}
	msg := f.head
	f.head, f.caughtUp = nil, msg.pending == 0
	return msg, 0, nil
}
