package trust

import (
	"context"
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
	"github.com/earshot/earshot/internal/ctxtime"
)

// LeaderKey is the claim the ledger's writer holds.
const LeaderKey = "trust-ledger"

// Claim is the singleton claim the writer runs under (a *lease.Table of
// the wiring). nil: this process is the only writer.
type Claim interface {
	TryTake(ctx context.Context, key string) (bool, error)
	Holds(key string) bool
	Release(ctx context.Context, key string) error
}

// Source is one stream the ledger counts.
type Source struct {
	// Stream is the JetStream stream; Filter its subjects (empty: all).
	Stream string
	Filter string
	// Mark names the stream in entries' marks.
	Mark string
	// FlushHeader marks messages that carry no event (utterance flushes).
	FlushHeader string
}

// Options configure a Ledger.
type Options struct {
	KV jetstream.KeyValue
	// Sources default to EARSHOT_ALERTS and EARSHOT_EVENTS; the wiring
	// adds the utterance stream (cluster/utt is not below this package).
	Sources []Source
	// Lookup finds an alert by id (natsink.Log.Alert).
	Lookup func(ctx context.Context, id string) (alerter.Alert, error)
	// View is fed with every entry written, before the watch echoes it,
	// and scores the merchants to publish; required.
	View  *View
	Claim Claim
	// Batch is the most messages applied per flush; default 512.
	Batch int
	// Recheck is how often every merchant's score is compared with the
	// last one published (the window slides at midnight); default 1 h.
	Recheck time.Duration
	Logger  *slog.Logger
}

// Ledger is the writer: while it holds the claim it reads each source in
// order with an ordered consumer from its checkpoint, applies batches and
// writes the changed entries with compare-and-set.
type Ledger struct {
	nc      *nats.Conn
	js      jetstream.JetStream
	opts    Options
	cache   *cache
	pub     *publisher
	stop    context.CancelFunc
	done    chan struct{}
	Applied atomic.Uint64 // messages applied (a redelivery counts again)
	Skipped atomic.Uint64 // messages refused as invalid
	Flushes atomic.Uint64
}

// DefaultSources are the alert and event streams.
func DefaultSources() []Source {
	return []Source{{Stream: alerter.AlertStream, Mark: alerter.AlertStream}, {Stream: alerter.EventStream, Mark: alerter.EventStream}}
}

// Start runs the ledger until Close.
func Start(nc *nats.Conn, opts Options) (*Ledger, error) {
	if opts.KV == nil || opts.View == nil {
		return nil, errors.New("trust: the ledger needs a bucket and a view")
	}
	if opts.Sources == nil {
		opts.Sources = DefaultSources()
	}
	if opts.Batch <= 0 {
		opts.Batch = 512
	}
	if opts.Recheck <= 0 {
		opts.Recheck = time.Hour
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &Ledger{nc: nc, js: js, opts: opts, stop: cancel, done: make(chan struct{})}
	l.cache = newCache(kvLoad(ctx, opts.KV), opts.Lookup)
	l.pub = newPublisher(nc, opts.KV, opts.View, opts.Logger)
	go l.run(ctx)
	return l, nil
}

// Published counts the earshot.trust messages this writer sent.
func (l *Ledger) Published() uint64 { return l.pub.sent.Load() }

// Close stops after the batch in hand is flushed.
func (l *Ledger) Close() {
	l.stop()
	<-l.done
}

func (l *Ledger) run(ctx context.Context) {
	defer close(l.done)
	for ctx.Err() == nil {
		if c := l.opts.Claim; c != nil {
			ok, err := c.TryTake(ctx, LeaderKey)
			if err != nil || !ok {
				ctxtime.Sleep(ctx, time.Second)
				continue
			}
		}
		if err := l.lead(ctx); err != nil && ctx.Err() == nil {
			l.opts.Logger.Warn("trust: ledger stopped, starting again", "err", err)
			ctxtime.Sleep(ctx, time.Second)
		}
	}
	if c := l.opts.Claim; c != nil && c.Holds(LeaderKey) {
		rctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = c.Release(rctx, LeaderKey)
		cancel()
	}
}

// lead consumes every source from its checkpoint while the claim holds,
// merging the sources by the time the server stored each message
// (merge.go), so an alert is counted before the reminder and the decision
// that name it, and a room's hypotheses before the reports about it.
func (l *Ledger) lead(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	l.cache = newCache(kvLoad(ctx, l.opts.KV), l.opts.Lookup) // a new leader trusts nothing it cached before
	m := newMerger(len(l.opts.Sources))
	var wg sync.WaitGroup
	defer wg.Wait()
	for i, src := range l.opts.Sources {
		if err := l.feed(ctx, &wg, src, m, i); err != nil {
			return err
		}
	}
	tick := time.NewTicker(l.opts.Recheck)
	defer tick.Stop()
	var batch []Msg
	later := time.NewTimer(time.Hour)
	defer later.Stop()
	for {
		next, wait, err := m.next(time.Now())
		if err != nil {
			return err
		}
		if next != nil {
			batch = append(batch, *next)
			if len(batch) < l.opts.Batch {
				continue
			}
		}
		if len(batch) > 0 {
			if c := l.opts.Claim; c != nil && !c.Holds(LeaderKey) {
				return errors.New("trust: lost the ledger claim")
			}
			if err := l.process(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
			continue
		}
		if wait <= 0 {
			wait = time.Hour
		}
		later.Reset(wait)
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			l.pub.recheck(ctx)
		case <-m.wake:
		case <-later.C:
		}
	}
}

// feed starts reading one source from its checkpoint into the merger.
func (l *Ledger) feed(ctx context.Context, wg *sync.WaitGroup, src Source, m *merger, i int) error {
	from, err := l.checkpoint(ctx, src.Mark)
	if err != nil {
		return err
	}
	st, err := l.js.Stream(ctx, src.Stream)
	if err != nil {
		return fmt.Errorf("trust: read %s: %w", src.Stream, err)
	}
	m.feeds[i].caughtUp = from >= st.CachedInfo().State.LastSeq
	// The name shows in `earshot cluster status` with the ledger's lag;
	// a random part keeps two writers (a failover) from sharing it.
	id := nuid.Next()
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy,
		NamePrefix: "trust-" + Token(src.Mark) + "-" + id[len(id)-6:]}
	if src.Filter != "" {
		cfg.FilterSubjects = []string{src.Filter}
	}
	if from > 0 {
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, from+1
	}
	cons, err := l.js.OrderedConsumer(ctx, src.Stream, cfg)
	if err != nil {
		return fmt.Errorf("trust: read %s: %w", src.Stream, err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(l.opts.Batch))
	if err != nil {
		return fmt.Errorf("trust: read %s: %w", src.Stream, err)
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		<-ctx.Done()
		it.Stop()
	}()
	go func() {
		defer wg.Done()
		defer m.close(i)
		for {
			msg, err := it.Next()
			if err != nil {
				return // stopped, or the consumer failed: lead starts again
			}
			md, err := msg.Metadata()
			if err != nil {
				continue
			}
			out := Msg{Stream: src.Mark, Seq: md.Sequence.Stream, Subject: msg.Subject(), Time: md.Timestamp,
				Data: msg.Data(), pending: md.NumPending}
			if src.FlushHeader != "" && msg.Headers().Get(src.FlushHeader) != "" {
				out.Flush = true
			}
			if !m.push(ctx, i, out) {
				return
			}
		}
	}()
	return nil
}

// process applies a batch and flushes it, again from fresh entries when
// another writer got in between, until it is stored or ctx ends.
func (l *Ledger) process(ctx context.Context, batch []Msg) error {
	for attempt := 0; ; attempt++ {
		for _, m := range batch {
			if err := apply(ctx, l.cache, m); err != nil {
				if !errors.Is(err, ErrUnknownAlert) || attempt == 0 {
					l.opts.Logger.Debug("trust: message skipped", "stream", m.Stream, "seq", m.Seq, "subject", m.Subject, "err", err)
				}
				if attempt == 0 {
					l.Skipped.Add(1)
				}
				continue
			}
			if attempt == 0 {
				l.Applied.Add(1)
			}
		}
		touched, err := l.flush(ctx, batch)
		if err == nil {
			l.Flushes.Add(1)
			l.pub.changed(ctx, touched)
			return nil
		}
		l.cache = newCache(kvLoad(ctx, l.opts.KV), l.opts.Lookup)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !errors.Is(err, errConflict) {
			l.opts.Logger.Warn("trust: flush failed, retrying", "err", err)
			ctxtime.Sleep(ctx, min(time.Duration(attempt+1)*200*time.Millisecond, 5*time.Second))
		}
	}
}

// flush writes the dirty entries (days, then alert records, then rooms)
// and the sources' checkpoints; it returns the merchants touched.
func (l *Ledger) flush(ctx context.Context, batch []Msg) ([]string, error) {
	var merchants []string
	for _, key := range l.cache.dirtyKeys() {
		e := l.cache.entries[key]
		data, err := e.value()
		if err != nil {
			continue
		}
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		var rev uint64
		if e.rev == 0 {
			rev, err = l.opts.KV.Create(wctx, key, data)
		} else {
			rev, err = l.opts.KV.Update(wctx, key, data, e.rev)
		}
		cancel()
		if err != nil {
			if isConflict(err) {
				return nil, errConflict
			}
			return nil, fmt.Errorf("trust: write %s: %w", key, err)
		}
		e.rev = rev
		delete(l.cache.changed, key)
		if kind, id, date, ok := parseDayKey(key); ok {
			l.opts.View.set(key, kind, id, date, e.day.clone(), rev)
			if kind == Merchant {
				merchants = append(merchants, id)
			}
		}
	}
	last := map[string]uint64{}
	for _, m := range batch {
		last[m.Stream] = max(last[m.Stream], m.Seq)
	}
	for stream, seq := range last {
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err := l.opts.KV.Put(wctx, "c."+Token(stream), []byte(strconv.FormatUint(seq, 10)))
		cancel()
		if err != nil {
			return nil, fmt.Errorf("trust: checkpoint %s: %w", stream, err)
		}
	}
	l.cache.rotate(maxCached, cacheGeneration, time.Now())
	return merchants, nil
}

// maxCached and cacheGeneration bound a generation of the writer's cache
// (cache.rotate): at most twice maxCached entries, a few hundred bytes
// each, stay in memory, and an entry not touched for two generations
// leaves. Each alert adds one (its record), touched again by its reminder
// within seconds; an entry that left is read again from the bucket.
const (
	maxCached       = 10_000
	cacheGeneration = time.Minute
)

func (l *Ledger) checkpoint(ctx context.Context, mark string) (uint64, error) {
	data, _, found, err := kvLoad(ctx, l.opts.KV)("c." + Token(mark))
	if err != nil || !found {
		return 0, err
	}
	seq, err := strconv.ParseUint(string(data), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("trust: checkpoint of %s: %q: %w", mark, data, err)
	}
	return seq, nil
}
