package utt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/spool"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// Answer is what a scanner sends back on HeaderReply: the alerts the sink
// accepted for one message, or why it could not scan it.
type Answer struct {
	Ref     string          `json:"ref"` // the message's id (refOf)
	Room    string          `json:"room"`
	Session string          `json:"session"`
	Alerts  []alerter.Alert `json:"alerts,omitempty"`
	Error   string          `json:"error,omitempty"`
	// Unavailable: Error is the alert store refusing (alerter.ErrUnavailable:
	// a full disk, say); the hypothesis stays queued and is scanned again.
	Unavailable bool `json:"unavailable,omitempty"`
	Flushed     bool `json:"flushed,omitempty"`
	// Shed counts the session's partials the scanner skipped as stale
	// since it last said so (the overload policy): told at most once a
	// second per session, and with the flush.
	Shed uint64 `json:"shed,omitempty"`
}

// BusOptions configure a Bus.
type BusOptions struct {
	// MaxPending bounds hypotheses published and not yet acknowledged;
	// beyond it Send waits (backpressure). Default 4096.
	MaxPending int
	// ScanTimeout bounds Feed.Scan when its context has no deadline.
	// Default 10 s.
	ScanTimeout time.Duration
	// Health, when set, is the server's word on whether a stream can store
	// (natsembed.Server.StreamWritable): while it says EARSHOT_UTT cannot
	// (a full disk), Send and Scan refuse at once with alerter.ErrUnavailable
	// and its reason instead of publishing what the stream will not answer,
	// and a failed publish is not retried against it.
	Health func(ctx context.Context, stream string) error
	// Spool, when set, keeps the hypotheses published while NATS is
	// unreachable on local disk and delivers them, in order and with their
	// Nats-Msg-Id, when it answers again (busspool.go). The Bus does not
	// close it.
	Spool  *spool.Spool
	Logger *slog.Logger
}

// publishTimeout bounds the wait for one publish's ack (normally well
// under a millisecond in-process).
const publishTimeout = 2 * time.Second

// Bus is the NATS pipeline.Bus.
type Bus struct {
	nc    *nats.Conn
	js    jetstream.JetStream
	opts  BusOptions
	reply string
	sub   *nats.Subscription
	acks  chan ackJob
	done  chan struct{}
	// closeOnce makes Close safe to call twice (a service closed by its
	// caller and again by a deferred cleanup): acks is closed once.
	closeOnce sync.Once
	closeErr  error

	mu      sync.Mutex
	feeds   map[string]*feed         // room + "\x00" + session
	waiters map[string]chan<- Answer // ref -> waiter
	// Lost counts hypotheses whose publish failed after retries.
	Lost atomic.Uint64

	spool *spooler // nil without BusOptions.Spool
}

type ackJob struct {
	fut  jetstream.PubAckFuture
	feed *feed
}

var _ pipeline.Bus = (*Bus)(nil)

// NewBus makes a Bus publishing through nc; it does not own nc.
func NewBus(nc *nats.Conn, opts BusOptions) (*Bus, error) {
	if opts.MaxPending <= 0 {
		opts.MaxPending = 4096
	}
	if opts.ScanTimeout <= 0 {
		opts.ScanTimeout = 10 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	// A stream with a write error (a full disk) never answers a publish:
	// without a timeout its futures, and Close, would wait forever.
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(opts.MaxPending),
		jetstream.WithPublishAsyncTimeout(publishTimeout))
	if err != nil {
		return nil, fmt.Errorf("utt: jetstream: %w", err)
	}
	b := &Bus{nc: nc, js: js, opts: opts, reply: ScannedPrefix + "." + nuid.Next(),
		acks: make(chan ackJob, opts.MaxPending), done: make(chan struct{}),
		feeds: map[string]*feed{}, waiters: map[string]chan<- Answer{}}
	if b.sub, err = nc.Subscribe(b.reply, b.onAnswer); err != nil {
		return nil, fmt.Errorf("utt: subscribing to %s: %w", b.reply, err)
	}
	b.sub.SetPendingLimits(-1, 64<<20)
	b.startSpool()
	go b.ackLoop()
	return b, nil
}

// Close stops the bus: feeds still open lose their answers.
func (b *Bus) Close() error {
	b.closeOnce.Do(func() {
		b.stopSpool()
		b.closeErr = b.sub.Unsubscribe()
		close(b.acks)
		<-b.done
	})
	return b.closeErr
}

func feedKey(room, session string) string { return room + "\x00" + session }

func (b *Bus) onAnswer(m *nats.Msg) {
	var a Answer
	if err := json.Unmarshal(m.Data, &a); err != nil {
		b.opts.Logger.Warn("undecodable scanner answer", "err", err)
		return
	}
	b.mu.Lock()
	w, waiting := b.waiters[a.Ref]
	delete(b.waiters, a.Ref)
	f := b.feeds[feedKey(a.Room, a.Session)]
	b.mu.Unlock()
	if f != nil && a.Shed > 0 && f.opts.OnShed != nil { // a flush's answer, which has its waiter, may carry it too
		f.opts.OnShed(a.Shed)
	}
	if waiting {
		w <- a // buffered: one answer per ref
		return
	}
	if f != nil && len(a.Alerts) > 0 && f.opts.OnAlerts != nil {
		f.opts.OnAlerts(a.Alerts)
	}
}

// ackLoop waits for publish acks in order and republishes what failed.
func (b *Bus) ackLoop() {
	defer close(b.done)
	for j := range b.acks {
		select {
		case <-j.fut.Ok():
			j.feed.pending.Done()
		case err := <-j.fut.Err():
			b.retry(j, err)
		}
	}
}

func (b *Bus) retry(j ackJob, err error) {
	msg := j.fut.Msg()
	if b.writable() == nil && b.spoolFailed(msg, err) {
		j.feed.pending.Done() // on local disk, delivered when NATS answers
		return
	}
	for try := 1; try <= 5 && b.writable() == nil; try++ {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err = b.js.PublishMsg(ctx, msg)
		cancel()
		if err == nil {
			j.feed.pending.Done()
			return
		}
		time.Sleep(time.Duration(try) * 200 * time.Millisecond)
	}
	if werr := b.writable(); werr != nil {
		err = werr // the server's reason (a full disk) says more than a timeout
	}
	b.Lost.Add(1)
	b.opts.Logger.Error("hypothesis lost: the utterance stream refused it", "subject", msg.Subject, "id", refOf(msg.Header), "err", err)
	b.notQueued(refOf(msg.Header), err)
	j.feed.pending.Done()
}

// notQueued answers a Scan waiting for ref that its hypothesis never
// reached the stream, rather than leaving it to time out believing it
// queued.
func (b *Bus) notQueued(ref string, err error) {
	b.mu.Lock()
	w, waiting := b.waiters[ref]
	delete(b.waiters, ref)
	b.mu.Unlock()
	if waiting {
		w <- Answer{Ref: ref, Error: "not queued: " + err.Error(), Unavailable: errors.Is(err, alerter.ErrUnavailable)}
	}
}

// writable is nil unless Health says the utterance stream cannot store.
func (b *Bus) writable() error {
	if b.opts.Health == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := b.opts.Health(ctx, Stream); err != nil {
		return fmt.Errorf("utt: %w: %w", alerter.ErrUnavailable, err)
	}
	return nil
}

// Open starts a session's feed.
func (b *Bus) Open(room pipeline.Room, session string, opts pipeline.FeedOptions) (pipeline.Feed, error) {
	if err := alerter.ValidRoomID(room.ID); err != nil {
		return nil, err
	}
	f := &feed{bus: b, room: room, session: session, opts: opts}
	b.mu.Lock()
	b.feeds[feedKey(room.ID, session)] = f
	b.mu.Unlock()
	return f, nil
}

type feed struct {
	bus     *Bus
	room    pipeline.Room
	session string
	opts    pipeline.FeedOptions
	seq     atomic.Uint64
	pending sync.WaitGroup
	closed  atomic.Bool
}

func (f *feed) msg(h transcript.Hypothesis) (*nats.Msg, error) {
	body, err := json.Marshal(FromHeard(pipeline.Heard{Room: f.room, Session: f.session, Hypothesis: h}, f.opts.Clips))
	if err != nil {
		return nil, fmt.Errorf("utt: encode: %w", err)
	}
	m := nats.NewMsg(Subject(f.room.ID))
	m.Data = body
	if h.Final {
		m.Header.Set(nats.MsgIdHdr, f.ref())
	} else {
		// A partial is superseded by the next hypothesis of its utterance:
		// the scan role drops a repeat by its id, so the stream need not
		// hold one (HeaderID).
		m.Header.Set(HeaderID, f.ref())
	}
	m.Header.Set(alerter.HeaderContentType, alerter.ContentTypeJSON)
	if f.opts.OnAlerts != nil || f.opts.OnShed != nil {
		m.Header.Set(HeaderReply, f.bus.reply)
	}
	return m, nil
}

// ref is an id unique to this message of this session: the Nats-Msg-Id
// of a final or a flush, the HeaderID of a partial.
func (f *feed) ref() string {
	return f.room.ID + ":" + f.session + ":" + strconv.FormatUint(f.seq.Add(1), 10)
}

// refOf is a hypothesis' id: its Nats-Msg-Id, else its HeaderID.
func refOf(h nats.Header) string {
	if id := h.Get(nats.MsgIdHdr); id != "" {
		return id
	}
	return h.Get(HeaderID)
}

// stallWait is the publish option of every hypothesis, made once: the
// option is a closure, an allocation per publish otherwise.
var stallWait = jetstream.WithStallWait(100 * time.Millisecond)

// publish queues m asynchronously; it waits while too many are pending.
// While NATS is unreachable m goes to the spool (spooled: true) instead.
func (f *feed) publish(ctx context.Context, m *nats.Msg) (spooled bool, err error) {
	if err := f.bus.writable(); err != nil {
		return false, err
	}
	if spooled, err := f.bus.spoolIfDown(m); spooled || err != nil {
		return spooled, err
	}
	for {
		fut, err := f.bus.js.PublishMsgAsync(m, stallWait)
		if errors.Is(err, jetstream.ErrTooManyStalledMsgs) {
			if ctx.Err() != nil {
				return false, fmt.Errorf("utt: publish %s: %w", m.Subject, ctx.Err())
			}
			continue
		}
		if err != nil {
			if f.bus.spoolFailed(m, err) {
				return true, nil
			}
			return false, fmt.Errorf("utt: publish %s: %w", m.Subject, err)
		}
		f.pending.Add(1)
		f.bus.acks <- ackJob{fut: fut, feed: f}
		return false, nil
	}
}

func (f *feed) Send(ctx context.Context, h transcript.Hypothesis) error {
	m, err := f.msg(h)
	if err != nil {
		return err
	}
	_, err = f.publish(ctx, m)
	return err
}

// request publishes m asking for an answer whatever it is and returns the
// channel it arrives on; a nil channel when m was spooled (no answer to
// wait for while NATS is unreachable).
func (f *feed) request(ctx context.Context, m *nats.Msg) (string, <-chan Answer, error) {
	ref := refOf(m.Header)
	ch := make(chan Answer, 1)
	m.Header.Set(HeaderReply, f.bus.reply)
	m.Header.Set(HeaderReplyAll, "1")
	f.bus.mu.Lock()
	f.bus.waiters[ref] = ch
	f.bus.mu.Unlock()
	spooled, err := f.publish(ctx, m)
	if err != nil || spooled {
		f.bus.forget(ref)
		return "", nil, err
	}
	return ref, ch, nil
}

func (b *Bus) forget(ref string) {
	b.mu.Lock()
	delete(b.waiters, ref)
	b.mu.Unlock()
}

// Scan publishes hs and waits for the scanner's answer to each: the
// utterances API keeps returning the alerts of what it posted, over the
// same stream as every other hypothesis.
func (f *feed) Scan(ctx context.Context, hs []transcript.Hypothesis) ([]alerter.Alert, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.bus.opts.ScanTimeout)
		defer cancel()
	}
	refs := make([]string, len(hs))
	answers := make([]<-chan Answer, len(hs))
	defer func() {
		for _, r := range refs {
			if r != "" {
				f.bus.forget(r)
			}
		}
	}()
	spooled := 0
	for i, h := range hs {
		m, err := f.msg(h)
		if err != nil {
			return nil, err
		}
		if refs[i], answers[i], err = f.request(ctx, m); err != nil {
			return nil, err
		}
		if answers[i] == nil {
			spooled++
		}
	}
	if spooled > 0 { // their answers come when NATS is back, to nobody waiting
		return nil, queued(spooled, len(hs))
	}
	var out []alerter.Alert
	for i, ch := range answers {
		select {
		case a := <-ch:
			out = append(out, a.Alerts...)
			if a.Unavailable {
				return out, fmt.Errorf("utterance %d: %w: %s", hs[i].Utterance, alerter.ErrUnavailable, a.Error)
			}
			if a.Error != "" {
				return out, fmt.Errorf("utterance %d: %s", hs[i].Utterance, a.Error)
			}
		case <-ctx.Done():
			if err := f.bus.writable(); err != nil {
				return out, fmt.Errorf("utterance %d not queued: %w", hs[i].Utterance, err)
			}
			return out, fmt.Errorf("utt: no scanner answered for utterance %d (it is queued and will be scanned): %w", hs[i].Utterance, ctx.Err())
		}
	}
	return out, nil
}

// Close waits for the feed's publishes to be acknowledged, then for the
// scanner to confirm it scanned everything before a flush marker, and
// forgets the session. Past ctx the hypotheses stay in the stream and are
// scanned whenever a scanner gets to them.
func (f *feed) Close(ctx context.Context) error {
	if f.closed.Swap(true) {
		return nil
	}
	defer func() {
		f.bus.mu.Lock()
		delete(f.bus.feeds, feedKey(f.room.ID, f.session))
		f.bus.mu.Unlock()
	}()
	acked := make(chan struct{})
	go func() { f.pending.Wait(); close(acked) }()
	select {
	case <-acked:
	case <-ctx.Done():
		return fmt.Errorf("utt: %s/%s: hypotheses not acknowledged by the stream: %w", f.room.ID, f.session, ctx.Err())
	}
	m := nats.NewMsg(Subject(f.room.ID))
	m.Header.Set(nats.MsgIdHdr, f.ref())
	m.Header.Set(HeaderFlush, f.session)
	ref, ch, err := f.request(ctx, m)
	if err != nil {
		return err
	}
	if ch == nil {
		f.bus.opts.Logger.Info("session closed while NATS is unreachable; its last hypotheses wait in the local spool",
			"room", f.room.ID, "session", f.session)
		return nil
	}
	defer f.bus.forget(ref)
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		f.bus.opts.Logger.Warn("session closed before a scanner confirmed it; its hypotheses stay in the stream",
			"room", f.room.ID, "session", f.session)
		return nil
	}
}

// Ready reports whether hypotheses can be stored now: the connection is up
// and (with Health) the server says the utterance stream can write.
func (b *Bus) Ready(context.Context) error {
	if err := b.spoolReady(); err != nil {
		return err
	}
	if !b.nc.IsConnected() {
		return fmt.Errorf("utt: not connected to NATS (%s)", b.nc.Status())
	}
	return b.writable()
}
