package natsembed

import (
	"fmt"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/earshot/earshot/internal/diskspace"
)

// Defaults of the watchdog.
const (
	DefaultCheckEvery = time.Second
	DefaultMinFree    = 4 << 20
	healMaxBackoff    = 30 * time.Second
)

// watch runs until Shutdown: every CheckEvery it heals JetStream if it
// must, and every few checks records what the streams hold (ledger.go).
func (s *Server) watch() {
	defer close(s.watched)
	t := time.NewTicker(s.cfg.CheckEvery)
	defer t.Stop()
	recordEvery := max(1, int(5*time.Second/s.cfg.CheckEvery))
	for n := 1; ; n++ {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		s.heal()
		s.followMissing()
		if n%recordEvery == 0 {
			s.record()
		}
	}
}

// heal restarts JetStream when a stream has a write error and the disk has
// room again. nats-server keeps a stream's first write error for good (a
// full disk that is freed later still refuses every message, and a publish
// is not even answered) until JetStream loads the stream again; restarting
// JetStream in the running server does that in milliseconds, keeping
// client connections. JetStream switched off by the server itself (it does
// so on a permission error) is switched on again the same way.
func (s *Server) heal() {
	errs, err := s.healthz()
	if err == nil {
		if s.healing.failures > 0 {
			s.cfg.Logger.Info("natsembed: JetStream writing again", "after_restarts", s.healing.failures)
		}
		s.healing.failures, s.healing.waiting = 0, false
		return
	}
	why := ""
	for _, e := range errs {
		if e.Type == server.HealthzErrorJetStream || isWriteErr(e.Error) {
			why = e.Error
			break
		}
	}
	if why == "" {
		return // a stream that did not load: a restart would not load it either
	}
	if free, ferr := diskspace.Free(s.cfg.DataDir); ferr == nil && free < s.cfg.MinFree {
		if !s.healing.waiting {
			s.cfg.Logger.Error("natsembed: JetStream cannot write; waiting for disk space before restarting it",
				"reason", why, "free_bytes", free, "needed", s.cfg.MinFree)
			s.healing.waiting = true
		}
		return
	}
	if time.Now().Before(s.healing.next) {
		return
	}
	s.healing.failures++
	backoff := min(time.Duration(1<<min(s.healing.failures-1, 10))*time.Second, healMaxBackoff)
	s.healing.next = time.Now().Add(backoff)
	before, _ := s.streams()
	t0 := time.Now()
	if rerr := s.restartJetStream(); rerr != nil {
		s.cfg.Logger.Error("natsembed: restarting JetStream failed", "reason", why, "err", rerr, "retry_in", backoff)
		return
	}
	s.cfg.Logger.Warn("natsembed: restarted JetStream to clear a write error", "reason", why, "took", time.Since(t0))
	s.checkReload(before)
}

// checkReload compares what the streams held before a JetStream restart
// with what they hold after it: loading a stream again must not lose what
// it had acknowledged (a block cut short by the full disk holds only the
// write that failed), and if it does, that is reported like a loss at rest.
func (s *Server) checkReload(before map[string]streamRecord) {
	after, err := s.streams()
	if err != nil {
		return
	}
	now := time.Now().UTC()
	s.lmu.Lock()
	defer s.lmu.Unlock()
	for k, rec := range before {
		cur, ok := after[k]
		var l *Loss
		if !ok {
			l = &Loss{Missing: true, Lost: rec.Msgs, Reason: "stream did not load again"}
		} else {
			l = compare(rec, cur, now)
		}
		if l == nil {
			continue
		}
		l.Account, l.Stream, l.Held, l.Found, l.At = rec.Account, rec.Stream, holding(rec), holding(cur), now
		l.Reason = "after restarting JetStream to clear a write error: " + l.Reason
		s.losses = append(s.losses, *l)
		s.cfg.Logger.Error("natsembed: JetStream data lost reloading a stream", "account", l.Account, "stream", l.Stream,
			"lost_messages", l.Lost, "held", l.Held.String(), "found", l.Found.String(), "reason", l.Reason)
	}
}

// restartJetStream shuts JetStream down (keeping its state) and starts it
// again with the configuration it had, so every stream loads afresh from
// disk.
func (s *Server) restartJetStream() error {
	defer s.forgetHealth()
	if s.ns.JetStreamEnabled() {
		if err := s.ns.ShutdownJetStream(); err != nil {
			return fmt.Errorf("shutdown: %w", err)
		}
	}
	cfg := s.jsCfg
	// EnableJetStream appends "jetstream" to a configured store dir.
	cfg.StoreDir = s.cfg.DataDir
	if err := s.ns.EnableJetStream(&cfg); err != nil {
		return fmt.Errorf("enable: %w", err)
	}
	return nil
}

// healing is the watchdog's own state (only watch touches it).
type healing struct {
	failures int
	next     time.Time
	waiting  bool // waiting for space was logged
}
