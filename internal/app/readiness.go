package app

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/server"
)

// readiness lists what GET /readyz checks: JetStream, the alert stream,
// the lexicon in force and the transcript store, each part reporting its
// own health (server.Readier); quarantines and losses found at start ride
// along as notices.
func (s *Service) readiness() []server.ReadyCheck {
	js := server.ReadyCheck{Name: "jetstream", Check: reachable{s.nc}}
	if s.nats != nil {
		js = server.ReadyCheck{Name: "jetstream", Check: s.nats, Notices: s.lossNotices}
	}
	checks := []server.ReadyCheck{js, {Name: "alert_stream", Check: s.sink, Notices: s.spoolNotices(s.roles.spools.alerts)}}
	if s.roles.bus != nil { // the utterance stream every hypothesis goes through (roles.go)
		checks = append(checks, server.ReadyCheck{Name: "utterance_stream", Check: s.roles.bus, Notices: s.spoolNotices(s.roles.spools.utt)})
	}
	if s.lex != nil {
		checks = append(checks, server.ReadyCheck{Name: "lexicon", Check: s.lex.watcher})
	}
	if s.transcripts != nil {
		checks = append(checks, server.ReadyCheck{Name: "transcripts", Check: s.transcripts, Notices: s.quarantineNotices})
	}
	if s.reg != nil {
		checks = append(checks, server.ReadyCheck{Name: "rooms", Check: s.reg, Notices: s.roomListNotices})
	}
	return checks
}

// reachable is the JetStream check of an external cluster: its JetStream
// API answers this account.
type reachable struct{ nc *nats.Conn }

func (r reachable) Ready(ctx context.Context) error {
	js, err := jetstream.New(r.nc)
	if err == nil {
		_, err = js.AccountInfo(ctx)
	}
	if err != nil {
		return fmt.Errorf("JetStream at %s: %w", r.nc.ConnectedUrlRedacted(), err)
	}
	return nil
}

func (s *Service) lossNotices() []api.Notice {
	var out []api.Notice
	for _, l := range s.nats.Losses() {
		n := api.Notice{Kind: api.NoticeLost, Subject: l.Stream, At: l.At,
			Message: fmt.Sprintf("%d messages lost at rest: held %s, found %s: %s", l.Lost, l.Held, l.Found, l.Reason)}
		if l.Lost == 0 {
			n.Kind, n.Message = api.NoticeRecovered, fmt.Sprintf("damaged at rest, all %s back: %s", l.Found, l.Reason)
		}
		out = append(out, n)
	}
	return out
}

func (s *Service) quarantineNotices() []api.Notice {
	var out []api.Notice
	for _, q := range s.transcripts.Quarantined() {
		out = append(out, api.Notice{Kind: api.NoticeQuarantined, Subject: q.Partition, Path: q.Path, At: q.At, Message: q.Reason})
	}
	return out
}

func (s *Service) roomListNotices() []api.Notice {
	var out []api.Notice
	for _, a := range s.reg.SetAside() {
		out = append(out, api.Notice{Kind: api.NoticeQuarantined, Subject: "rooms.json", Path: a.Path, At: a.At, Message: a.Reason})
	}
	return out
}
