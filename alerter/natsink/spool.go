package natsink

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/spool"
)

// Headers of a spooled alert: its id (to look it up), and whether its
// publish may have reached the stream before it was spooled (a timeout, a
// connection lost mid-publish). They stay in the spool, never in the
// stream.
const (
	hdrAlertID   = "Earshot-Spool-Alert-Id"
	hdrUncertain = "Earshot-Spool-Uncertain"
)

func (s *Sink) startSpool() {
	if s.opts.Spool == nil {
		return
	}
	s.pump = spool.StartPump(s.opts.Spool, spool.PumpOptions{Deliver: s.deliverSpooled, Every: 500 * time.Millisecond})
}

func (s *Sink) stopSpool() {
	if s.pump != nil {
		s.pump.Close()
	}
}

// spoolIfDown spools a when the connection is down; the alert was never
// sent.
func (s *Sink) spoolIfDown(a alerter.Alert) bool {
	if s.opts.Spool == nil || s.nc.IsConnected() {
		return false
	}
	return s.spoolAlert(a, false, fmt.Errorf("NATS %s", s.nc.Status()))
}

// spoolFailed spools a after a store that failed without the stream's
// word: it may have been stored.
func (s *Sink) spoolFailed(a alerter.Alert, err error) bool {
	var apiErr *jetstream.APIError
	if s.opts.Spool == nil || errors.As(err, &apiErr) || errors.Is(err, context.Canceled) {
		return false
	}
	return s.spoolAlert(a, true, err)
}

// spoolAlert appends a as it would be published. No reminder is sent for
// it: by the time NATS is back it would be stale; the alert is stored.
func (s *Sink) spoolAlert(a alerter.Alert, uncertain bool, why error) bool {
	m, err := NewMsg(alerter.AlertSubject(a.Category, a.Room), a)
	if err != nil {
		return false
	}
	m.Header.Set(nats.MsgIdHdr, alerter.DedupKey(a))
	m.Header.Set(jetstream.ExpectedStreamHeader, alerter.AlertStream)
	m.Header.Set(hdrAlertID, a.ID)
	if uncertain {
		m.Header.Set(hdrUncertain, "1")
	}
	if err := s.opts.Spool.Append(m); err != nil {
		s.opts.Logger.Error("natsink: alert not spooled", "alert", a.ID, "err", err, "nats", why)
		return false
	}
	s.opts.Logger.Warn("natsink: alert spooled on local disk; stored when NATS answers, without a reminder", "alert", a.ID, "room", a.Room, "why", why)
	s.pump.Kick()
	return true
}

// deliverSpooled stores spooled alerts with their Nats-Msg-Id: a repeat
// inside the duplicate window is dropped by the stream. One whose publish
// may have reached the stream and that waited longer than the window is
// looked up by id first, since the window no longer covers it.
func (s *Sink) deliverSpooled(ctx context.Context, recs []spool.Record) (int, error) {
	if !s.nc.IsConnected() {
		return 0, fmt.Errorf("NATS %s", s.nc.Status())
	}
	for i, r := range recs {
		m := r.Msg
		id := m.Header.Get(hdrAlertID)
		uncertain := m.Header.Get(hdrUncertain) != ""
		m.Header.Del(hdrAlertID)
		m.Header.Del(hdrUncertain)
		if uncertain && s.opts.Now().Sub(r.At) >= s.opts.Duplicates {
			_, err := s.log.Alert(ctx, id)
			if err == nil {
				continue // stored before the connection dropped
			}
			if !errors.Is(err, ErrNotFound) {
				return i, err
			}
		}
		pctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
		_, err := s.js.PublishMsg(pctx, m)
		cancel()
		var apiErr *jetstream.APIError
		switch {
		case err == nil:
		case errors.As(err, &apiErr):
			s.opts.Logger.Error("natsink: spooled alert refused by the stream", "alert", id, "err", err)
		default:
			return i, err
		}
	}
	return len(recs), nil
}

// spoolReady is nil unless alerts wait in the spool.
func (s *Sink) spoolReady() error {
	if s.pump == nil {
		return nil
	}
	if err := s.pump.Ready("alerts", "NATS "+s.nc.Status().String()); err != nil {
		return fmt.Errorf("natsink: %w", err)
	}
	return nil
}
