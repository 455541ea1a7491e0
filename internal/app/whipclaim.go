package app

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/earshot/earshot/cluster/placement"
	"github.com/earshot/earshot/ingest/whip"
)

// whipClaims hold the rooms' claims for the WHIP sessions of an ingest
// worker (cluster/placement Claim): a publisher's POST takes the room's
// claim before its offer is answered, and the claim is kept, renewed,
// while a session of the room runs here; it is given up once the last
// session ended and no offer for the room is being answered. A session
// whose claim is lost (not renewed: this worker is cut off from NATS) is
// ended, so the room is never ingested by two workers at once: its
// publisher reconnects, and is redirected to the room's new owner.
type whipClaims struct {
	place *placement.Placement
	log   interface {
		Info(string, ...any)
		Warn(string, ...any)
	}
	// live reports whether the room's pipeline still runs a session here
	// (the registry's): a claim is given up only once it drained.
	live  func(room string) bool
	mu    sync.Mutex
	rooms map[string]*whipClaim
}

type whipClaim struct {
	offers   int                    // POSTs being answered
	sessions map[*whip.Session]bool // true once ended for a lost claim
	watching bool
}

// claimPoll is how often a room's claim is checked while sessions run
// (as the registry checks a pulled room's: rooms.ownerPoll).
const claimPoll = 250 * time.Millisecond

func (c *whipClaims) entry(room string) *whipClaim {
	e, ok := c.rooms[room]
	if !ok {
		e = &whipClaim{sessions: map[*whip.Session]bool{}}
		c.rooms[room] = e
	}
	return e
}

// offer counts a POST for room being answered; done ends it.
func (c *whipClaims) offer(room string) (done func()) {
	c.mu.Lock()
	c.entry(room).offers++
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		e := c.rooms[room]
		e.offers--
		free := c.unusedLocked(room, e)
		c.mu.Unlock()
		if free {
			c.place.Unclaim(room)
		}
	}
}

// unusedLocked forgets room when nothing holds its claim any more.
func (c *whipClaims) unusedLocked(room string, e *whipClaim) bool {
	if e.offers > 0 || len(e.sessions) > 0 {
		return false
	}
	delete(c.rooms, room)
	return true
}

// started keeps room's claim while sess runs.
func (c *whipClaims) started(room string, sess *whip.Session) {
	c.mu.Lock()
	e := c.entry(room)
	e.sessions[sess] = false
	watch := !e.watching
	e.watching = true
	c.mu.Unlock()
	go func() {
		<-sess.Done()
		c.drained(room, e, sess)
		c.mu.Lock()
		delete(e.sessions, sess)
		free := c.rooms[room] == e && c.unusedLocked(room, e)
		c.mu.Unlock()
		if free {
			c.place.Unclaim(room)
		}
	}()
	if watch {
		go c.watch(room, e)
	}
}

// drainWait bounds the wait for an ended session's pipeline to finalize
// before its claim is given up (the claim's TTL: another worker could
// take the room by then anyway if this one were gone).
const drainWait = 3 * time.Second

// drained waits until the room's pipeline no longer runs sess's session
// (its last utterances finalized), or another session of the room took
// over here, so the next worker starts only once this one stopped.
func (c *whipClaims) drained(room string, e *whipClaim, sess *whip.Session) {
	deadline := time.Now().Add(drainWait)
	for time.Now().Before(deadline) && c.live(room) {
		c.mu.Lock()
		_, mine := e.sessions[sess]
		others := len(e.sessions) > 1 || len(e.sessions) == 1 && !mine
		c.mu.Unlock()
		if others {
			return
		}
		time.Sleep(50 * time.Millisecond) // polls the registry; no event tells when a pushed session finalized
	}
}

// watch ends room's sessions when this worker loses the room's claim, and
// returns once no session of the room runs.
func (c *whipClaims) watch(room string, e *whipClaim) {
	t := time.NewTicker(claimPoll)
	defer t.Stop()
	for range t.C {
		c.mu.Lock()
		if c.rooms[room] != e {
			c.mu.Unlock()
			return
		}
		if len(e.sessions) == 0 && e.offers == 0 {
			e.watching = false
			c.mu.Unlock()
			return
		}
		var ending []*whip.Session
		if !c.place.Holds(room) {
			for s, ended := range e.sessions {
				if !ended {
					ending = append(ending, s)
					e.sessions[s] = true
				}
			}
		}
		c.mu.Unlock()
		for _, s := range ending {
			c.log.Warn("whip: room claim lost (not renewed): ending the publisher's session", "room", room, "session", s.ID())
			s.Close()
		}
	}
}

// claimForWHIP takes room's claim for a publisher here (ok: serve the
// offer, then call done), or answers the POST itself: 307 to the worker
// that holds the claim, 503 when the claim cannot be read or taken now.
func (s *Service) claimForWHIP(w http.ResponseWriter, r *http.Request, room string) (done func(), ok bool) {
	p := s.roles.place
	done = s.whipClaims.offer(room) // first: another offer's end must not give up the claim taken here
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	holder, addr, err := p.Claim(ctx, room)
	if err != nil {
		done()
		s.log.Warn("whip: room claim not taken", "room", room, "err", err)
		w.Header().Set("Retry-After", "1")
		msg := "whip: the room's claim cannot be taken now; try again"
		if errors.Is(err, placement.ErrNotRenewed) {
			msg = "whip: this worker is cut off from the cluster; try again (another worker may take the room)"
		}
		http.Error(w, msg, http.StatusServiceUnavailable)
		return nil, false
	}
	if holder != p.Holder() {
		done()
		if !s.redirectWHIP(w, r, holder, addr) {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "whip: the room is ingested by another worker that cannot be reached yet; try again", http.StatusServiceUnavailable)
		}
		return nil, false
	}
	return done, true
}
