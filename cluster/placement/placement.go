package placement

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/time/rate"

	"github.com/earshot/earshot/cluster/lease"
	"github.com/earshot/earshot/rooms"
)

// Bucket holds the room claims and the workers' presence.
const Bucket = "EARSHOT_ROOM_LEASES" // status.RoomLeaseBucket names the same

const (
	roomPrefix = "room."
	nodePrefix = "node."
)

// Options configure a Placement.
type Options struct {
	// Holder names this worker; required and unique per process.
	Holder string
	// Addr is where this worker's ingest is reached (its HTTP base URL),
	// shown in cluster status.
	Addr string
	// TTL of the claims; default 3 s.
	TTL time.Duration
	// Replicas of the bucket; default 1.
	Replicas int
	// IntakePerSecond caps how many rooms this worker takes a second
	// (bursts of a quarter of that); default 20.
	IntakePerSecond float64
	// MovePerSecond caps how many pulled rooms this worker hands over a
	// second when it holds more than the least loaded worker
	// (rebalance.go); default 2. Negative: never hand over.
	MovePerSecond float64
	// MoveCooldown is how long a room that changed hands is not handed
	// over again; default 2 minutes.
	MoveCooldown time.Duration
	Logger       *slog.Logger
	// cpu reads this process's CPU share (cpu.go); tests replace it.
	cpu func() float64
}

// Load is what a worker's presence claim says about it.
type Load struct {
	Rooms int    `json:"rooms"`
	Addr  string `json:"addr,omitempty"`
	// CPU is the share of the machine's cores this process used over the
	// last tick (0 to 1).
	CPU float64 `json:"cpu"`
}

// Placement is one worker's rooms.Owner.
type Placement struct {
	t      *lease.Table
	opts   Options
	intake *rate.Limiter
	stop   context.CancelFunc
	done   chan struct{}

	move  *rate.Limiter
	view  *View
	watch *claimWatch    // the room claims as the bucket's watch last said
	bg    sync.WaitGroup // the watch's goroutines

	takeMu     sync.Mutex // serializes Acquire's check and take
	mu         sync.Mutex
	addr       string          // Options.Addr until SetAddr
	others     map[string]Load // live workers but this one, refreshed every TTL/3
	refreshed  time.Time
	refreshing bool
	cpu        float64 // this process's, read every tick
	busyTicks  int     // ticks in a row with cpu >= busyCPU (rebalance.go)
	// pushed are the rooms claimed for a WHIP session here (claim.go):
	// never pulled, never handed over.
	pushed map[string]bool
	// handing are rooms being handed over (rebalance.go): Holds is false
	// for them, so their sessions stop, and Release then frees them;
	// handed are rooms given away, not taken back here for a while.
	handing map[string]time.Time
	handed  map[string]time.Time
	// back are handed-over rooms nobody took: zero time, to be taken back
	// by Acquire; else when they were, not handed over again until
	// MoveCooldown has passed.
	back map[string]time.Time
	// pausedUntil stops handovers after one nobody took.
	pausedUntil time.Time
}

var (
	_ rooms.Owner    = (*Placement)(nil)
	_ rooms.Notifier = (*Placement)(nil)
)

// Start joins the bucket and keeps this worker's presence claim.
func Start(ctx context.Context, js jetstream.JetStream, opts Options) (*Placement, error) {
	if opts.IntakePerSecond <= 0 {
		opts.IntakePerSecond = 20
	}
	if opts.TTL <= 0 {
		opts.TTL = 3 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MovePerSecond == 0 {
		opts.MovePerSecond = 2
	}
	if opts.MoveCooldown <= 0 {
		opts.MoveCooldown = 2 * time.Minute
	}
	if opts.cpu == nil {
		opts.cpu = newCPUMeter()
	}
	t, err := lease.Open(ctx, js, lease.Options{Bucket: Bucket, Holder: opts.Holder, TTL: opts.TTL,
		Replicas: opts.Replicas, Logger: opts.Logger})
	if err != nil {
		return nil, err
	}
	kv, err := js.KeyValue(ctx, Bucket)
	if err != nil {
		t.Close(ctx)
		return nil, fmt.Errorf("placement: bucket %s: %w", Bucket, err)
	}
	lctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	p := &Placement{t: t, opts: opts, intake: rate.NewLimiter(rate.Limit(opts.IntakePerSecond), max(1, int(opts.IntakePerSecond/4))),
		view: NewView(js),
		move: rate.NewLimiter(rate.Limit(max(opts.MovePerSecond, 0)), max(1, int(opts.MovePerSecond))),
		stop: stop, done: make(chan struct{}), others: map[string]Load{}, addr: opts.Addr,
		pushed: map[string]bool{}, handing: map[string]time.Time{}, handed: map[string]time.Time{}, back: map[string]time.Time{},
		watch: newClaimWatch(opts.TTL, opts.Logger)}
	p.bg.Add(1)
	go func() { defer p.bg.Done(); p.watch.run(lctx, kv) }()
	p.refresh(ctx)
	go p.loop(lctx)
	return p, nil
}

func (p *Placement) loop(ctx context.Context) {
	defer close(p.done)
	tick := time.NewTicker(p.opts.TTL / 3)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			p.mu.Lock()
			p.cpu = p.opts.cpu()
			if p.cpu >= busyCPU {
				p.busyTicks++
			} else {
				p.busyTicks = 0
			}
			p.mu.Unlock()
			if p.refresh(ctx) {
				p.rebalance()
			}
		}
	}
}

// refresh publishes this worker's load and reads the others'; it
// reports whether it read them.
func (p *Placement) refresh(ctx context.Context) bool {
	p.t.SetInfo(p.load())
	if _, err := p.t.TryTake(ctx, nodePrefix+p.opts.Holder); err != nil {
		p.opts.Logger.Warn("worker presence not renewed", "err", err)
		return false
	}
	claims, err := p.t.Claims(ctx, nodePrefix)
	if err != nil {
		return false
	}
	others := map[string]Load{}
	for k, c := range claims {
		holder := strings.TrimPrefix(k, nodePrefix)
		if holder == p.opts.Holder {
			continue
		}
		var l Load
		_ = json.Unmarshal(c.Info, &l)
		others[holder] = l
	}
	p.mu.Lock()
	p.others, p.refreshed = others, time.Now()
	p.mu.Unlock()
	return true
}

func (p *Placement) load() Load {
	p.mu.Lock()
	addr, cpu := p.addr, p.cpu
	p.mu.Unlock()
	return Load{Rooms: len(p.Rooms()), Addr: addr, CPU: cpu}
}

// published writes this worker's load now (after a take or handover), so
// the others see it before the next tick.
func (p *Placement) published() {
	p.t.SetInfo(p.load())
	p.t.Touch(nodePrefix + p.opts.Holder)
}

// SetAddr sets where this worker's HTTP is reached (known once it
// listens: port 0 resolved), from the next claim written.
func (p *Placement) SetAddr(addr string) {
	p.mu.Lock()
	p.addr = addr
	p.mu.Unlock()
	p.t.SetInfo(p.load())
}

// Owner reads who holds room's claim and where its HTTP is reached (from
// the claim: every claim of a worker carries its Load). holder is "" when
// nobody holds it.
func (p *Placement) Owner(ctx context.Context, room string) (holder, addr string, err error) {
	return p.view.Owner(ctx, room)
}

// Holder is this worker's name in the claims.
func (p *Placement) Holder() string { return p.opts.Holder }

// Rooms lists the rooms this worker holds.
func (p *Placement) Rooms() []string {
	var out []string
	for _, k := range p.t.Held() {
		if id, ok := strings.CutPrefix(k, roomPrefix); ok {
			out = append(out, id)
		}
	}
	return out
}

// slack is how many rooms more than the least loaded worker this one may
// hold and still take a free room: the others' loads are up to TTL/3 old,
// so demanding strict equality would make workers wait for each other.
const slack = 2

// busyCPU is the CPU share above which a worker takes no free room while
// another live worker is below it: rooms per worker alone would keep
// piling rooms on a worker whose recognizer cannot keep up.
const busyCPU = 0.9

// leastLoaded reports whether this worker should take a free room: it is
// not busy (busyCPU) while another is not, and no other live worker that
// is not busy while this one is holds slack or more rooms fewer.
func (p *Placement) leastLoaded() bool {
	mine := len(p.Rooms())
	p.mu.Lock()
	defer p.mu.Unlock()
	busy := p.cpu >= busyCPU
	for _, l := range p.others {
		switch other := l.CPU >= busyCPU; {
		case busy && !other:
			return false
		case other && !busy: // not a candidate: its rooms do not count against this one
		case l.Rooms+slack <= mine:
			return false
		}
	}
	return true
}

// Acquire implements rooms.Owner.
func (p *Placement) Acquire(ctx context.Context, room string) bool {
	key := roomPrefix + room
	back, ok := p.mayPull(room)
	if !ok {
		return false
	}
	if p.t.Holds(key) {
		return true
	}
	if back { // handed over and nobody took it: take it back, whatever the loads
		return p.takeBack(ctx, room)
	}
	if p.watch.heldElsewhere(room, p.opts.Holder) { // no need to ask NATS (watch.go)
		return false
	}
	// One take at a time: the load check and the take must see each
	// other, or every room's supervisor passes the check at once.
	p.takeMu.Lock()
	defer p.takeMu.Unlock()
	// Each try bounded: with NATS unreachable, the other rooms' tries
	// wait behind this one.
	ctx, cancel := context.WithTimeout(ctx, p.opts.TTL/3)
	defer cancel()
	p.maybeRefresh(ctx)
	// A token is spent only on a room actually taken: tries at rooms
	// another worker holds must not use up the intake a takeover needs.
	if !p.leastLoaded() || p.intake.Tokens() < 1 {
		return false
	}
	ok, err := p.t.TryTake(ctx, key)
	if err != nil {
		p.opts.Logger.Warn("room claim not taken", "room", room, "err", err)
		return false
	}
	if ok {
		p.intake.Allow()
		p.opts.Logger.Info("room claimed", "room", room)
		p.published()
	}
	return ok
}

// freshLoads is how old the others' loads may be when a room is taken.
const freshLoads = 250 * time.Millisecond

// maybeRefresh reads the others' loads again when they are older than
// freshLoads, so a worker that just started does not take every room
// before it has seen the others.
func (p *Placement) maybeRefresh(ctx context.Context) {
	p.mu.Lock()
	stale := !p.refreshing && time.Since(p.refreshed) > freshLoads
	if stale {
		p.refreshing = true
	}
	p.mu.Unlock()
	if stale {
		p.refresh(ctx)
		p.mu.Lock()
		p.refreshing = false
		p.mu.Unlock()
	}
}

// Freed implements rooms.Notifier: closed once room's claim may be free
// for this worker (released, handed over, or not renewed for a TTL), at
// once if it may be now.
func (p *Placement) Freed(room string) <-chan struct{} { return p.watch.freed(room, p.opts.Holder) }

// Holds implements rooms.Owner: this worker holds room's claim (pulled or
// a WHIP session's) and is not handing it over.
func (p *Placement) Holds(room string) bool {
	p.mu.Lock()
	_, handing := p.handing[room]
	p.mu.Unlock()
	return !handing && p.t.Holds(roomPrefix+room)
}

// Release implements rooms.Owner: the room's session stopped (removal,
// drain, or a handover: then the claim is freed for the worker it goes
// to).
func (p *Placement) Release(room string) {
	p.mu.Lock()
	if _, ok := p.handing[room]; ok {
		delete(p.handing, room)
		p.handed[room] = time.Now()
	}
	p.mu.Unlock()
	p.release(room)
}

func (p *Placement) release(room string) {
	ctx, cancel := context.WithTimeout(context.Background(), p.opts.TTL)
	defer cancel()
	if err := p.t.Release(ctx, roomPrefix+room); err != nil {
		p.opts.Logger.Warn("room claim not released; it expires by itself", "room", room, "err", err)
	}
	p.published()
}

// Owners lists every room claim: room -> holder.
func Owners(ctx context.Context, t *lease.Table) (map[string]string, error) {
	claims, err := t.Claims(ctx, roomPrefix)
	if err != nil {
		return nil, fmt.Errorf("placement: %w", err)
	}
	out := map[string]string{}
	for k, c := range claims {
		out[strings.TrimPrefix(k, roomPrefix)] = c.Holder
	}
	return out, nil
}

// Close stops the presence claim and releases every claim left (the
// registry releases its rooms as their workers stop).
func (p *Placement) Close(ctx context.Context) {
	p.stop()
	<-p.done
	p.bg.Wait()
	p.t.Close(ctx)
}
