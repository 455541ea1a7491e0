package placement

import (
	"context"
	"sort"
	"strings"
	"time"
)

// Rebalancing: a worker that joins a running cluster starts with no rooms,
// and free rooms are the only ones it could take. A worker holding
// moveGap or more rooms more than the least loaded live worker hands some
// of its pulled rooms over, gently:
//
//   - At most MovePerSecond a second, and only as many as even the two
//     out (half the difference, less the handovers still under way), so
//     it stops within one room of even: a difference of one or two never
//     starts a handover (hysteresis), and the loads read are at most a
//     tick old (the taker publishes its load as it takes).
//   - A room handed over stops here first (Holds turns false, its session
//     stops and finalizes) and only then is its claim deleted: the taker
//     can only start pulling once this worker has stopped.
//   - Never a WHIP session's room (a live publisher is not moved), never a
//     room that changed hands within MoveCooldown (the taker took it over
//     a release; lease.Table.Moved), so no room goes back and forth.
//   - A room nobody took within handoverGrace is taken back, whatever the
//     loads, and handovers pause for MoveCooldown: the other worker's
//     presence said it was alive, but it does not take rooms.
//
// CPU moves rooms too. A worker busy (CPU >= busyCPU) for busyTicksToShed
// ticks in a row while another live worker is calm (CPU < calmCPU) hands
// one room over, then waits as many ticks again for its CPU to show the
// difference: rooms differ in cost (a PocketSphinx room costs ~15% of a
// core, a platform-transcript room nearly nothing), so counting rooms
// alone would leave a worker's recognizers behind. The busy worker takes
// no free room meanwhile (leastLoaded), and rooms are handed over by
// count only to calm workers, so a worker between calm and busy neither
// sheds nor receives: the band that keeps the two rules from undoing
// each other.

// moveGap is the difference in rooms that starts a handover.
const moveGap = 3

// calmCPU is the CPU share below which a worker receives rooms handed over
// (by count or because another is busy).
const calmCPU = 0.7

// busyTicksToShed is how many ticks in a row a worker must be busy before
// it hands a room over for its CPU, and waits again after one.
const busyTicksToShed = 3

// handoverGrace is how long a handed-over room is left to the others
// before this worker takes it back.
func (p *Placement) handoverGrace() time.Duration { return 2 * p.opts.TTL }

// mayPull reports whether Acquire may take or keep room: not a WHIP
// session's, not being handed over, not just handed over. back says it
// was handed over and nobody took it.
func (p *Placement) mayPull(room string) (back, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pushed[room] {
		return false, false
	}
	if _, ok := p.handing[room]; ok {
		return false, false
	}
	if _, ok := p.handed[room]; ok {
		return false, false
	}
	at, back := p.back[room]
	return back && at.IsZero(), true
}

// takeBack takes a handed-over room nobody took.
func (p *Placement) takeBack(ctx context.Context, room string) bool {
	ok, err := p.t.TryTake(ctx, roomPrefix+room)
	if err != nil || !ok {
		return false
	}
	p.mu.Lock()
	p.back[room] = time.Now() // taken back: not handed over again for MoveCooldown
	p.mu.Unlock()
	p.opts.Logger.Info("room taken back: nobody took it over", "room", room)
	p.published()
	return true
}

// rebalance runs every tick after the loads were read.
func (p *Placement) rebalance() {
	if p.opts.MovePerSecond < 0 {
		return
	}
	now := time.Now()
	p.settle(now)
	p.mu.Lock()
	if now.Before(p.pausedUntil) || len(p.others) == 0 {
		p.mu.Unlock()
		return
	}
	least, calm := -1, false
	for _, l := range p.others {
		if l.CPU >= calmCPU {
			continue // a busy worker is no one to hand rooms to
		}
		calm = true
		if least < 0 || l.Rooms < least {
			least = l.Rooms
		}
	}
	if !calm {
		p.mu.Unlock()
		return
	}
	if p.busyTicks >= busyTicksToShed {
		p.busyTicks = 0 // the next one only once the CPU shows this one gone
		p.mu.Unlock()
		p.shedForCPU(now)
		return
	}
	// Handovers under way or just done may not show in the others' loads
	// yet: count them as the least loaded worker's.
	pending := len(p.handing)
	for _, at := range p.handed {
		if now.Sub(at) < p.opts.TTL/3 {
			pending++
		}
	}
	handing := len(p.handing)
	p.mu.Unlock()
	mine := len(p.Rooms()) - handing
	if mine-least < moveGap {
		return
	}
	want := (mine - least - pending) / 2
	for _, room := range p.candidates(now) {
		if want <= 0 || !p.move.AllowN(now, 1) {
			break
		}
		p.mu.Lock()
		p.handing[room] = now
		p.mu.Unlock()
		want--
		p.opts.Logger.Info("handing a room over to a less loaded worker", "room", room, "rooms_here", mine, "least_loaded", least)
	}
}

// shedForCPU hands the longest-held room that may move over to a calm
// worker: this one has been busy for busyTicksToShed ticks.
func (p *Placement) shedForCPU(now time.Time) {
	cands := p.candidates(now)
	if len(cands) == 0 || !p.move.AllowN(now, 1) {
		return
	}
	room := cands[0]
	p.mu.Lock()
	p.handing[room] = now
	cpu := p.cpu
	p.mu.Unlock()
	p.opts.Logger.Info("handing a room over: this worker's CPU is busy", "room", room, "cpu", cpu)
}

// candidates are the pulled rooms this worker may hand over, held longest
// first.
func (p *Placement) candidates(now time.Time) []string {
	type cand struct {
		room  string
		taken time.Time
	}
	var out []cand
	for _, k := range p.t.Held() {
		room, ok := strings.CutPrefix(k, roomPrefix)
		if !ok {
			continue
		}
		taken, moved, held := p.t.Moved(k)
		if !held || moved && now.Sub(taken) < p.opts.MoveCooldown {
			continue
		}
		p.mu.Lock()
		_, handing := p.handing[room]
		back, wasBack := p.back[room]
		skip := p.pushed[room] || handing || wasBack && now.Sub(back) < p.opts.MoveCooldown
		p.mu.Unlock()
		if !skip {
			out = append(out, cand{room, taken})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].taken.Before(out[j].taken) })
	rooms := make([]string, len(out))
	for i, c := range out {
		rooms[i] = c.room
	}
	return rooms
}

// settle finishes handovers: a room whose session did not stop within a
// TTL is released anyway; a released room nobody took within the grace
// is marked to be taken back, and handovers pause.
func (p *Placement) settle(now time.Time) {
	p.mu.Lock()
	var stuck, due []string
	for room, at := range p.handing {
		if now.Sub(at) > p.opts.TTL {
			stuck = append(stuck, room)
		}
	}
	for room, at := range p.handed {
		if now.Sub(at) > p.handoverGrace() {
			due = append(due, room)
		}
	}
	for room, at := range p.back {
		if !at.IsZero() && now.Sub(at) > p.opts.MoveCooldown {
			delete(p.back, room)
		}
	}
	p.mu.Unlock()
	for _, room := range stuck {
		p.opts.Logger.Warn("handed-over room's session did not stop in time; releasing its claim", "room", room)
		p.Release(room)
	}
	for _, room := range due {
		ctx, cancel := context.WithTimeout(context.Background(), p.opts.TTL/3)
		holder, _, err := p.Owner(ctx, room)
		cancel()
		if err != nil {
			continue // read again next tick
		}
		p.mu.Lock()
		delete(p.handed, room)
		if holder == "" {
			p.back[room] = time.Time{} // Acquire takes it back
			p.pausedUntil = now.Add(p.opts.MoveCooldown)
		}
		p.mu.Unlock()
		if holder == "" {
			p.opts.Logger.Warn("nobody took a handed-over room; taking it back and pausing handovers", "room", room, "for", p.opts.MoveCooldown)
		}
	}
}
