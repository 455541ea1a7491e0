package natsink

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
)

// Stats counts what the Sink did about faults.
type Stats struct {
	// Refused counts alerts not stored because the stream could not take
	// them (Send's error wraps alerter.ErrUnavailable).
	Refused uint64 `json:"refused"`
	// Recreated counts times the stream was found missing and created
	// again from the Sink's configuration.
	Recreated uint64 `json:"recreated"`
}

// state is what the Sink knows about its stream: the last store failure
// (nil once an alert is stored again), whether a probe is out, and whether
// the stream was missing at the last check.
type state struct {
	mu      sync.Mutex
	err     error
	since   time.Time
	probing bool
	missing bool

	refused, recreated atomic.Uint64
	repair             sync.Mutex // one recreation at a time
	kick               chan struct{}
}

// admit decides whether Send may try the stream. With a Health hook a
// stream the server says cannot store is refused at once with the server's
// reason; without one, after a failure only one Send at a time tries (the
// others are refused with the failure) until one succeeds.
func (s *Sink) admit(ctx context.Context) (probe bool, err error) {
	if s.opts.Health != nil {
		if herr := s.opts.Health(ctx, alerter.AlertStream); herr != nil {
			return false, s.refuse(herr)
		}
		return false, nil
	}
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.err == nil {
		return false, nil
	}
	if st.probing {
		return false, s.refuse(fmt.Errorf("failing since %s: %w", st.since.UTC().Format(time.RFC3339), st.err))
	}
	st.probing = true
	return true, nil
}

// endProbe ends a probe without a verdict on the stream (the alert went
// to the spool).
func (s *Sink) endProbe(probe bool) {
	if probe {
		s.state.mu.Lock()
		s.state.probing = false
		s.state.mu.Unlock()
	}
}

func (s *Sink) refuse(why error) error {
	s.state.refused.Add(1)
	return fmt.Errorf("natsink: %w: %w", alerter.ErrUnavailable, why)
}

// settle records how a store went; a failure comes back wrapped in
// alerter.ErrUnavailable with the server's reason when it has one.
func (s *Sink) settle(ctx context.Context, probe bool, err error) error {
	st := &s.state
	st.mu.Lock()
	if probe {
		st.probing = false
	}
	if errors.Is(err, context.Canceled) {
		st.mu.Unlock()
		return err // the caller gave up: that says nothing about the stream
	}
	if err == nil {
		if st.err != nil {
			s.opts.Logger.Info("natsink: alerts stored again", "failing_since", st.since)
		}
		st.err, st.since = nil, time.Time{}
		st.mu.Unlock()
		return nil
	}
	if st.err == nil {
		st.since = s.opts.Now()
	}
	st.err = err
	st.mu.Unlock()
	if s.opts.Health != nil {
		if herr := s.opts.Health(ctx, alerter.AlertStream); herr != nil {
			err = fmt.Errorf("%w (%w)", err, herr)
		}
	}
	return s.refuse(err)
}

// streamMissing tells the errors that mean no stream takes the subject.
func streamMissing(err error) bool {
	return errors.Is(err, jetstream.ErrNoStreamResponse) || errors.Is(err, jetstream.ErrStreamNotFound)
}

// recreate creates the stream again from the Sink's configuration, once
// even if many callers found it missing at the same moment.
func (s *Sink) recreate(ctx context.Context, why string) error {
	st := &s.state
	st.repair.Lock()
	defer st.repair.Unlock()
	if _, err := s.js.Stream(ctx, alerter.AlertStream); err == nil {
		return nil // another caller was first
	}
	if err := ensureStream(ctx, s.js, s.opts); err != nil {
		return err
	}
	st.recreated.Add(1)
	st.mu.Lock()
	st.missing = false
	st.mu.Unlock()
	s.opts.Logger.Error("natsink: the alert stream was gone; created it again (alerts it held are not in it)",
		"stream", alerter.AlertStream, "noticed_by", why)
	return nil
}

// Ready reports whether alerts can be stored now: the connection is up, the
// stream exists, the server (Health) says it can write, and the last
// store did not fail. Finding the stream gone, it asks the monitor to
// recreate it, and reports it gone.
func (s *Sink) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout) // a probe must answer, whatever the caller's deadline
	defer cancel()
	if err := s.spoolReady(); err != nil {
		return err
	}
	if !s.nc.IsConnected() {
		return fmt.Errorf("natsink: NATS connection is %s", s.nc.Status())
	}
	if _, err := s.js.Stream(ctx, alerter.AlertStream); err != nil {
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			s.kickMonitor()
			return fmt.Errorf("natsink: alert stream %s is missing; creating it again", alerter.AlertStream)
		}
		return fmt.Errorf("natsink: alert stream %s: %w", alerter.AlertStream, err)
	}
	if s.opts.Health != nil {
		if err := s.opts.Health(ctx, alerter.AlertStream); err != nil {
			return fmt.Errorf("natsink: alert stream %s cannot store: %w", alerter.AlertStream, err)
		}
		return nil // the server's word is newer than the last failure
	}
	st := &s.state
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.err != nil {
		return fmt.Errorf("natsink: storing alerts failing since %s: %w", st.since.UTC().Format(time.RFC3339), st.err)
	}
	return nil
}

// Stats reports the fault counters.
func (s *Sink) Stats() Stats {
	return Stats{Refused: s.state.refused.Load(), Recreated: s.state.recreated.Load()}
}

func (s *Sink) kickMonitor() {
	select {
	case s.state.kick <- struct{}{}:
	default:
	}
}

// monitor checks every CheckEvery that the stream exists; gone at two
// checks in a row (or when kicked), it is recreated, so alerting resumes
// even when nothing is sent and readiness probes keep traffic away.
func (s *Sink) monitor() {
	defer close(s.monitored)
	t := time.NewTicker(s.opts.CheckEvery)
	defer t.Stop()
	for {
		kicked := false
		select {
		case <-s.stopped:
			return
		case <-t.C:
		case <-s.state.kick:
			kicked = true
		}
		ctx, cancel := context.WithTimeout(context.Background(), s.opts.Timeout)
		_, err := s.js.Stream(ctx, alerter.AlertStream)
		st := &s.state
		switch {
		case err == nil:
			st.mu.Lock()
			st.missing = false
			st.mu.Unlock()
		case errors.Is(err, jetstream.ErrStreamNotFound):
			st.mu.Lock()
			again := st.missing
			st.missing = true
			st.mu.Unlock()
			if again || kicked {
				if rerr := s.recreate(ctx, "monitor"); rerr != nil {
					s.opts.Logger.Error("natsink: recreating the alert stream", "err", rerr)
				}
			}
		}
		cancel()
	}
}
