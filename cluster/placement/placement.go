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
	Logger          *slog.Logger
}

// Load is what a worker's presence claim says about it.
type Load struct {
	Rooms int    `json:"rooms"`
	Addr  string `json:"addr,omitempty"`
}

// Placement is one worker's rooms.Owner.
type Placement struct {
	t      *lease.Table
	opts   Options
	intake *rate.Limiter
	stop   context.CancelFunc
	done   chan struct{}

	takeMu     sync.Mutex // serializes Acquire's check and take
	mu         sync.Mutex
	addr       string          // Options.Addr until SetAddr
	others     map[string]Load // live workers but this one, refreshed every TTL/3
	refreshed  time.Time
	refreshing bool
}

var _ rooms.Owner = (*Placement)(nil)

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
	t, err := lease.Open(ctx, js, lease.Options{Bucket: Bucket, Holder: opts.Holder, TTL: opts.TTL,
		Replicas: opts.Replicas, Logger: opts.Logger})
	if err != nil {
		return nil, err
	}
	lctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	p := &Placement{t: t, opts: opts, intake: rate.NewLimiter(rate.Limit(opts.IntakePerSecond), max(1, int(opts.IntakePerSecond/4))),
		stop: stop, done: make(chan struct{}), others: map[string]Load{}, addr: opts.Addr}
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
			p.refresh(ctx)
		}
	}
}

// refresh publishes this worker's load and reads the others'.
func (p *Placement) refresh(ctx context.Context) {
	p.t.SetInfo(p.load())
	if _, err := p.t.TryTake(ctx, nodePrefix+p.opts.Holder); err != nil {
		p.opts.Logger.Warn("worker presence not renewed", "err", err)
		return
	}
	claims, err := p.t.Claims(ctx, nodePrefix)
	if err != nil {
		return
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
}

func (p *Placement) load() Load {
	p.mu.Lock()
	addr := p.addr
	p.mu.Unlock()
	return Load{Rooms: len(p.Rooms()), Addr: addr}
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
	c, ok, err := p.t.Claim(ctx, roomPrefix+room)
	if err != nil || !ok {
		return "", "", err
	}
	var l Load
	_ = json.Unmarshal(c.Info, &l) // no address: no redirect
	return c.Holder, l.Addr, nil
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

// leastLoaded reports whether no other live worker holds slack or more
// rooms fewer than this one.
func (p *Placement) leastLoaded() bool {
	mine := len(p.Rooms())
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, l := range p.others {
		if l.Rooms+slack <= mine {
			return false
		}
	}
	return true
}

// Acquire implements rooms.Owner.
func (p *Placement) Acquire(ctx context.Context, room string) bool {
	key := roomPrefix + room
	if p.t.Holds(key) {
		return true
	}
	// One take at a time: the load check and the take must see each
	// other, or every room's supervisor passes the check at once.
	p.takeMu.Lock()
	defer p.takeMu.Unlock()
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
		p.t.SetInfo(p.load())
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

// Holds implements rooms.Owner.
func (p *Placement) Holds(room string) bool { return p.t.Holds(roomPrefix + room) }

// Release implements rooms.Owner.
func (p *Placement) Release(room string) {
	ctx, cancel := context.WithTimeout(context.Background(), p.opts.TTL)
	defer cancel()
	if err := p.t.Release(ctx, roomPrefix+room); err != nil {
		p.opts.Logger.Warn("room claim not released; it expires by itself", "room", room, "err", err)
	}
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
	p.t.Close(ctx)
}
