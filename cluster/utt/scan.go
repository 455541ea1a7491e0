package utt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/pipeline"
)

// ScanOptions configure the scan role.
type ScanOptions struct {
	// Scanner is the one hypothesis-to-alert path; required.
	Scanner *pipeline.Scanner
	// ClipURL names the clip of an alert of a session that keeps audio.
	ClipURL func(alertID string) string
	// Partitions is the stream's partition count (StreamOptions).
	Partitions int
	// IdleSession: a session with no message for this long is forgotten
	// (its publisher died without a flush). Default 10 minutes.
	IdleSession time.Duration
	// ShedPartialsAfter is the overload policy: a partial hypothesis that
	// waited in the stream longer than this is skipped (acked, counted in
	// ScanStats.Shed), because its final will carry the same words and a
	// reminder for stale speech is worth less than keeping up; finals are
	// always scanned. Default 2 s; negative never sheds.
	ShedPartialsAfter time.Duration
	Logger            *slog.Logger
}

// ScanStats counts what the scan role did.
type ScanStats struct {
	Scanned, Alerts, Dead, Retried atomic.Uint64
	// Shed counts partials skipped by the overload policy.
	Shed atomic.Uint64
	// Repeated counts partials skipped because the session's scan had
	// passed them: a second copy in the stream, or one overtaken by a
	// later hypothesis of its session (advance).
	Repeated atomic.Uint64
}

// Scan is the scan role: it consumes partitions of EARSHOT_UTT into the
// Scanner, one durable consumer per partition, messages of one partition
// in order.
type Scan struct {
	nc    *nats.Conn
	js    jetstream.JetStream
	opts  ScanOptions
	Stats ScanStats

	mu    sync.Mutex
	parts map[int]part
	seen  map[[2]string]sessionMark // room, session -> its last message
	stop  chan struct{}
	wg    sync.WaitGroup
}

// part is an owned partition: its consumption and its acks.
type part struct {
	cc   jetstream.ConsumeContext
	acks *acker
}

// ConsumerName is the durable consumer of partition p.
func ConsumerName(p int) string { return fmt.Sprintf("scan-%d", p) }

// NewScan makes the scan role; Own starts consuming a partition.
func NewScan(nc *nats.Conn, opts ScanOptions) (*Scan, error) {
	if opts.Scanner == nil {
		return nil, errors.New("utt: the scan role needs a Scanner")
	}
	if opts.Partitions <= 0 {
		opts.Partitions = StreamOptions{}.withDefaults().Partitions
	}
	if opts.IdleSession <= 0 {
		opts.IdleSession = 10 * time.Minute
	}
	if opts.ShedPartialsAfter == 0 {
		opts.ShedPartialsAfter = 2 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("utt: jetstream: %w", err)
	}
	s := &Scan{nc: nc, js: js, opts: opts, parts: map[int]part{},
		seen: map[[2]string]sessionMark{}, stop: make(chan struct{})}
	s.wg.Go(s.sweep)
	return s, nil
}

// OwnAll consumes every partition (one scanner for the whole stream).
func (s *Scan) OwnAll(ctx context.Context) error {
	for p := range s.opts.Partitions {
		if err := s.Own(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// Own starts consuming partition p; owning it twice is a no-op.
func (s *Scan) Own(ctx context.Context, p int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.parts[p]; ok {
		return nil
	}
	c, err := s.scanConsumer(ctx, p) // acks.go
	if err != nil {
		return fmt.Errorf("utt: consumer %s: %w", ConsumerName(p), err)
	}
	a := newAcker(s.opts.Logger)
	cc, err := c.Consume(func(msg jetstream.Msg) { s.handle(a, msg) },
		jetstream.PullMaxMessages(512), jetstream.PullExpiry(pullExpiry))
	if err != nil {
		return fmt.Errorf("utt: consume %s: %w", ConsumerName(p), err)
	}
	s.parts[p] = part{cc, a}
	return nil
}

// Release stops consuming partition p; messages being handled finish.
func (s *Scan) Release(p int) {
	s.mu.Lock()
	cc, ok := s.parts[p]
	delete(s.parts, p)
	s.mu.Unlock()
	if ok {
		cc.cc.Drain()
		<-cc.cc.Closed()
		cc.acks.close()
	}
}

// Owned lists the partitions this scanner consumes.
func (s *Scan) Owned() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]int, 0, len(s.parts))
	for p := range s.parts {
		out = append(out, p)
	}
	return out
}

// Close releases every partition.
func (s *Scan) Close() {
	for _, p := range s.Owned() {
		s.Release(p)
	}
	close(s.stop)
	s.wg.Wait()
}

func (s *Scan) handle(acks *acker, msg jetstream.Msg) {
	md, err := msg.Metadata() // parsed once: for the overload policy and the acks
	if err != nil {
		md = nil
	}
	hdr := msg.Headers()
	ref := refOf(hdr)
	if session := hdr.Get(HeaderFlush); session != "" {
		room := lastToken(msg.Subject())
		s.opts.Scanner.End(room, session)
		shed := s.forget(room, session)
		s.answer(hdr, Answer{Ref: ref, Room: room, Session: session, Flushed: true, Shed: shed}, true)
		acks.done(msg, md)
		return
	}
	m, room, err := Decode(msg.Subject(), msg.Data())
	if err != nil {
		s.dead(msg, err)
		acks.done(msg, md)
		return
	}
	if !s.advance(md, room, m.Session, ref, m.Final) {
		s.Stats.Repeated.Add(1)
		s.answer(hdr, Answer{Ref: ref, Room: room, Session: m.Session}, false)
		acks.done(msg, md)
		return
	}
	if s.stale(md, hdr, m) {
		s.Stats.Shed.Add(1)
		shed := s.shedOne(room, m.Session)
		s.answer(hdr, Answer{Ref: ref, Room: room, Session: m.Session, Shed: shed}, shed > 0)
		acks.done(msg, md)
		return
	}
	h := m.Heard(room)
	var clip func(string) string
	if m.Clips {
		clip = s.opts.ClipURL
	}
	ctx := &lazyTimeout{d: scanTimeout}
	alerts, err := s.opts.Scanner.ScanWith(ctx, h, clip)
	ctx.cancel()
	s.Stats.Scanned.Add(1)
	s.Stats.Alerts.Add(uint64(len(alerts)))
	if err != nil {
		// Forget the session's dedup state so the redelivery alerts again;
		// alerts already stored are dropped by their Nats-Msg-Id.
		s.opts.Scanner.End(room, m.Session)
		s.Stats.Retried.Add(1)
		s.opts.Logger.Warn("scan failed; the hypothesis will be redelivered", "room", room, "session", m.Session, "utterance", m.Utterance, "err", err)
		a := Answer{Ref: ref, Room: room, Session: m.Session, Alerts: alerts, Error: err.Error(),
			Unavailable: errors.Is(err, alerter.ErrUnavailable)}
		if a.Unavailable {
			a.Error += " (the utterance stays queued and is scanned again)"
		}
		s.answer(hdr, a, false)
		acks.failed(msg, md, time.Second)
		return
	}
	s.answer(hdr, Answer{Ref: ref, Room: room, Session: m.Session, Alerts: alerts}, len(alerts) > 0)
	acks.done(msg, md)
}

// answer publishes a on the message's reply subject when it asks for one.
func (s *Scan) answer(hdr nats.Header, a Answer, worth bool) {
	to := hdr.Get(HeaderReply)
	if to == "" || !(worth || hdr.Get(HeaderReplyAll) != "") {
		return
	}
	data, err := json.Marshal(a)
	if err != nil {
		s.opts.Logger.Error("encoding a scanner answer", "err", err)
		return
	}
	if err := s.nc.Publish(to, data); err != nil {
		s.opts.Logger.Warn("scanner answer not sent", "to", to, "err", err)
	}
}

// dead moves a message that cannot be scanned to the dead-letter subject;
// the caller acks it, so it never blocks its partition.
func (s *Scan) dead(msg jetstream.Msg, reason error) {
	s.Stats.Dead.Add(1)
	d := deadLetter(msg.Subject(), msg.Data(), msg.Headers(), reason.Error(), s.nc.MaxPayload())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := s.js.PublishMsg(ctx, d); err != nil {
		s.opts.Logger.Error("dead-letter publish failed; dropping the message", "subject", msg.Subject(), "reason", d.Header.Get(HeaderReason), "err", err)
	} else {
		s.opts.Logger.Warn("utterance message refused", "subject", msg.Subject(), "reason", d.Header.Get(HeaderReason))
	}
}

func lastToken(subject string) string {
	for i := len(subject) - 1; i >= 0; i-- {
		if subject[i] == '.' {
			return subject[i+1:]
		}
	}
	return subject
}

// sessionMark is what the scan role keeps of a session between its
// messages: when it last had one (the idle sweep) and the highest message
// number n of its ids (<room>:<session>:<n>) it handled.
type sessionMark struct {
	at time.Time
	n  uint64
	// shed counts partials skipped as stale not yet told to the session
	// (Answer.Shed), last told at told.
	shed uint64
	told time.Time
}

// advance records a message of room's session as handled and reports
// whether to scan it. A partial whose id's number is not above the
// highest the session has had is not scanned: it is a second copy in the
// stream (partials carry no Nats-Msg-Id, so the stream's duplicate window
// does not drop them: a publish retried after a lost ack, a spooled one
// delivered again after an outage) or one overtaken by a later hypothesis
// of its session, which supersedes it (its final carries its words). So a
// partial id is scanned at most once while the session's state lives,
// however often it is stored. Finals are always scanned (the stream drops
// their repeats by Nats-Msg-Id, and a final is what the transcript store
// keeps), and so is a redelivery of the consumer (a failed scan, a
// handover: the scan of its first delivery did not count), and a message
// whose id is not of the form (a platform's own).
func (s *Scan) advance(md *jetstream.MsgMetadata, room, session, ref string, final bool) bool {
	n, numbered := refNumber(ref, room, session)
	k := [2]string{room, session}
	s.mu.Lock()
	defer s.mu.Unlock()
	mark := s.seen[k]
	fresh := !numbered || final || n > mark.n || md != nil && md.NumDelivered > 1
	if numbered && n > mark.n {
		mark.n = n
	}
	mark.at = time.Now()
	s.seen[k] = mark
	return fresh
}

// refNumber is n of an id <room>:<session>:<n> of this room and session.
func refNumber(ref, room, session string) (uint64, bool) {
	rest, ok := strings.CutPrefix(ref, room)
	if !ok || len(rest) < len(session)+2 || rest[0] != ':' || rest[1:1+len(session)] != session || rest[1+len(session)] != ':' {
		return 0, false
	}
	n, err := strconv.ParseUint(rest[len(session)+2:], 10, 64)
	return n, err == nil
}

// forget drops the session's state, returning the partials it shed that
// it has not told the session of yet.
func (s *Scan) forget(room, session string) uint64 {
	k := [2]string{room, session}
	s.mu.Lock()
	shed := s.seen[k].shed
	delete(s.seen, k)
	s.mu.Unlock()
	return shed
}

// shedNoticeEvery is how often at most a session is told how many of its
// partials were shed: one small answer a second per room, while the
// scanner is behind, instead of one per partial.
const shedNoticeEvery = time.Second

// shedOne counts a shed partial of the session and returns the count to
// tell it now (0: not yet, it was told less than shedNoticeEvery ago).
func (s *Scan) shedOne(room, session string) uint64 {
	k := [2]string{room, session}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	mark := s.seen[k]
	mark.shed++
	n := uint64(0)
	if now.Sub(mark.told) >= shedNoticeEvery {
		n, mark.shed, mark.told = mark.shed, 0, now
	}
	s.seen[k] = mark
	return n
}

// sweep forgets sessions whose publisher went away without a flush.
func (s *Scan) sweep() {
	t := time.NewTicker(s.opts.IdleSession / 4)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case now := <-t.C:
			var idle [][2]string
			s.mu.Lock()
			for k, mark := range s.seen {
				if now.Sub(mark.at) > s.opts.IdleSession {
					idle = append(idle, k)
					delete(s.seen, k)
				}
			}
			s.mu.Unlock()
			for _, k := range idle {
				s.opts.Scanner.End(k[0], k[1])
			}
		}
	}
}

// stale reports whether m is a partial the overload policy sheds: stored
// longer than ShedPartialsAfter ago (the scanner is behind). A requester
// waiting for it (the utterances API) is never shed.
func (s *Scan) stale(md *jetstream.MsgMetadata, hdr nats.Header, m Message) bool {
	if m.Final || s.opts.ShedPartialsAfter < 0 || md == nil || hdr.Get(HeaderReplyAll) != "" {
		return false
	}
	return time.Since(md.Timestamp) > s.opts.ShedPartialsAfter
}

// scanTimeout bounds the sink and linker work of one hypothesis.
const scanTimeout = 10 * time.Second

// lazyTimeout is a context that times out scanTimeout after it is first
// asked for its deadline or channel. Most hypotheses have no alert and
// never ask (the scanner touches its context only to deliver or link), so
// they pay for no timer: context.WithTimeout per message was about 3 % of
// the scan role's CPU. Safe for concurrent use.
type lazyTimeout struct {
	d    time.Duration
	once sync.Once
	ctx  context.Context
	stop context.CancelFunc
}

func (l *lazyTimeout) get() context.Context {
	l.once.Do(func() { l.ctx, l.stop = context.WithTimeout(context.Background(), l.d) })
	return l.ctx
}

func (l *lazyTimeout) Deadline() (time.Time, bool) { return l.get().Deadline() }
func (l *lazyTimeout) Done() <-chan struct{}       { return l.get().Done() }
func (l *lazyTimeout) Err() error                  { return l.get().Err() }
func (l *lazyTimeout) Value(any) any               { return nil }

// cancel releases the timer, if one was made; unused, the context is
// done from now on, as a cancelled one would be.
func (l *lazyTimeout) cancel() {
	l.once.Do(func() { l.ctx = doneContext })
	if l.stop != nil {
		l.stop()
	}
}

// doneContext is a context already cancelled (never changed).
var doneContext = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()
