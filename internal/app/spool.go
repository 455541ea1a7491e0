package app

import (
	"fmt"
	"path/filepath"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/spool"
)

// spools hold on local disk what this node could not publish while an
// external NATS was unreachable: hypotheses (ingest, api) and alerts
// (scan), delivered with their Nats-Msg-Id when it answers again. The
// embedded server is in-process: it never becomes unreachable, so the
// single process has none.
type spools struct {
	utt, alerts *spool.Spool
}

func (s *Service) openSpools() error {
	if s.cfg.NATS.URL == "" {
		return nil
	}
	open := func(name string) (*spool.Spool, error) {
		sp, err := spool.Open(spool.Options{Dir: filepath.Join(s.cfg.DataDir, "spool", name),
			MaxBytes: int64(s.cfg.Cluster.SpoolMaxBytes), Logger: s.log.With("spool", name)})
		if err != nil {
			return nil, fmt.Errorf("spool %s: %w", name, err)
		}
		return sp, nil
	}
	var err error
	if s.roles.spools.utt, err = open("utt"); err != nil {
		return err
	}
	s.roles.spools.alerts, err = open("alerts")
	return err
}

// closeSpools runs after the bus and the sink stopped using them.
func (s *Service) closeSpools() {
	for _, sp := range []*spool.Spool{s.roles.spools.utt, s.roles.spools.alerts} {
		if sp != nil {
			_ = sp.Close()
		}
	}
}

// each calls f with each open spool and its name (metrics).
func (sp spools) each(f func(name string, s *spool.Spool)) {
	if sp.utt != nil {
		f("utt", sp.utt)
	}
	if sp.alerts != nil {
		f("alerts", sp.alerts)
	}
}

// spoolNotices reports damage found in sp at start (/readyz notices):
// those records were skipped, their messages lost. nil without a spool.
func (s *Service) spoolNotices(sp *spool.Spool) func() []api.Notice {
	if sp == nil {
		return nil
	}
	return func() []api.Notice {
		st := sp.Stats()
		if st.Damaged == 0 {
			return nil
		}
		return []api.Notice{{Kind: api.NoticeLost, Subject: "spool", Path: sp.Dir(),
			Message: fmt.Sprintf("%d damaged stretches of the local spool skipped at start: the messages in them are lost", st.Damaged)}}
	}
}
