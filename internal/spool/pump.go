package spool

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Deliver publishes recs in order and returns how many of the first ones
// are done with (stored by the stream, or refused for good and counted by
// the caller); an error says why it stopped early: the rest stays spooled
// and is tried again.
type Deliver func(ctx context.Context, recs []Record) (int, error)

// PumpOptions configure a Pump.
type PumpOptions struct {
	// Deliver publishes a batch; required.
	Deliver Deliver
	// Batch is how many records one Deliver gets; default 256.
	Batch int
	// Every is how often the pump tries without a Kick; default 1 s.
	Every time.Duration
	// OnEmpty is called after a pass that left the spool empty.
	OnEmpty func()
}

// Pump delivers a spool's records in the background: when kicked (its
// owner saw the connection come back, or spooled a record) and every
// Every.
type Pump struct {
	sp     *Spool
	opts   PumpOptions
	kick   chan struct{}
	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	lastErr error
}

// StartPump starts delivering sp's records.
func StartPump(sp *Spool, opts PumpOptions) *Pump {
	if opts.Batch <= 0 {
		opts.Batch = 256
	}
	if opts.Every <= 0 {
		opts.Every = time.Second
	}
	if opts.OnEmpty == nil {
		opts.OnEmpty = func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Pump{sp: sp, opts: opts, kick: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{})}
	go p.run(ctx)
	return p
}

// Kick asks for a delivery pass now; a nil Pump ignores it.
func (p *Pump) Kick() {
	if p == nil {
		return
	}
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// LastError is why the last pass stopped early (nil once a pass emptied
// the spool).
func (p *Pump) LastError() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastErr
}

// Ready is nil unless records wait in the spool; then it says how many of
// what ("hypotheses"), since when, why they wait (the last delivery's
// error, else why) and whether the spool is full, for /readyz.
func (p *Pump) Ready(what, why string) error {
	st := p.sp.Stats()
	if st.Records == 0 {
		return nil
	}
	if err := p.LastError(); err != nil {
		why = err.Error()
	}
	full := ""
	if st.Full {
		full = fmt.Sprintf("; the spool is FULL at %d bytes (cluster.spool_max_bytes): new %s are refused (%d so far)", st.MaxBytes, what, st.Refused)
	}
	return fmt.Errorf("%d %s (%d bytes) spooled on local disk in %s since %s, delivered when NATS answers (%s)%s",
		st.Records, what, st.Bytes, p.sp.Dir(), st.Oldest.UTC().Format(time.RFC3339), why, full)
}

// Close stops the pump (a Deliver in progress sees its context end); what
// is left stays spooled.
func (p *Pump) Close() {
	p.cancel()
	<-p.done
}

func (p *Pump) run(ctx context.Context) {
	defer close(p.done)
	t := time.NewTicker(p.opts.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.kick:
		case <-t.C:
		}
		p.pass(ctx)
	}
}

// pass delivers until the spool is empty or Deliver stops.
func (p *Pump) pass(ctx context.Context) {
	for ctx.Err() == nil {
		recs, err := p.sp.Peek(p.opts.Batch)
		if err == nil && len(recs) == 0 {
			p.setErr(nil)
			p.opts.OnEmpty()
			return
		}
		n := 0
		if err == nil {
			n, err = p.opts.Deliver(ctx, recs)
		}
		p.sp.Ack(n)
		if err != nil {
			p.setErr(err)
			return
		}
	}
}

func (p *Pump) setErr(err error) {
	p.mu.Lock()
	p.lastErr = err
	p.mu.Unlock()
}
