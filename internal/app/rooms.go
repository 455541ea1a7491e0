package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/pull"
	"github.com/earshot/earshot/ingest/whep"
	"github.com/earshot/earshot/internal/netguard"

	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/rooms"
)

// openRooms makes the room registry: registered rooms are kept in
// DATA/rooms.json and restarted from it, evidence clips go to
// DATA/evidence/<alert-id>.wav, and pulled URLs are opened by pullSource.
func (s *Service) openRooms(ctx context.Context, tmpl pipeline.Config) (*rooms.Registry, error) {
	guard, err := s.outboundPolicy()
	if err != nil {
		return nil, err
	}
	open, err := s.pullSource(guard)
	if err != nil {
		return nil, fmt.Errorf("rooms: %w", err)
	}
	opts := rooms.Options{
		Logger:      s.log,
		StorePath:   filepath.Join(s.cfg.DataDir, "rooms.json"),
		EvidenceDir: filepath.Join(s.cfg.DataDir, "evidence"),
		OpenSource:  open,
		CheckSource: checkSource(guard),
		Schemes:     pull.RemoteSchemes(), // file paths left out: no reading the server's disk on a client's say-so
		// A room may name another configured engine ("recognizer": "openai").
		RecognizerFor: s.engines.For,
		Caps:          roomCaps(s.cfg.Ingest.RoomCaps), // limits.go
	}
	if s.roles.place != nil {
		opts.Owner = s.roles.place // a room is pulled by the one worker holding its claim
	}
	if !s.cfg.Cluster.Has("ingest") {
		// An api node takes registrations and shows every room's status,
		// but pulls nothing and keeps no list of its own: the ingest
		// workers own the rooms, the cluster's list (roomsync) is shared.
		opts.StorePath, opts.EvidenceDir, opts.Owner = "", "", nobody{}
	}
	reg, err := rooms.Open(ctx, tmpl, opts)
	if err != nil {
		return nil, fmt.Errorf("rooms: %w", err)
	}
	return reg, nil
}

// pullSource opens the source of a pulled room with ingest/pull (ffmpeg for
// RTMP/RTSP/SRT/HLS/HTTP, WHEP for whep+http(s)). Every WHEP room shares
// one WebRTC client: one pion API for the process, not one per session.
func (s *Service) pullSource(guard *netguard.Policy) (rooms.OpenFunc, error) {
	log := s.log.With("component", "pull")
	wc, err := whep.NewClient(whep.ClientOptions{Logger: log})
	if err != nil {
		return nil, err
	}
	return func(rawURL, token string) (ingest.Source, error) {
		return pull.New(rawURL, pull.Options{Token: token, Realtime: true, Logger: log, Guard: guard, WHEP: wc})
	}, nil
}

// outboundPolicy is the address policy of pulled sources: special
// addresses refused unless listed in ingest.allow_hosts.
func (s *Service) outboundPolicy() (*netguard.Policy, error) {
	guard, err := netguard.New(netguard.Options{Allow: s.cfg.Ingest.AllowHosts, Setting: "ingest.allow_hosts"})
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if len(s.cfg.Ingest.AllowHosts) > 0 {
		s.log.Info("pulled sources may also reach", "ingest.allow_hosts", s.cfg.Ingest.AllowHosts)
	}
	return guard, nil
}

// checkSource refuses, at registration, a source the policy refuses or
// whose host is malformed. A name that does not resolve yet is let
// through: the source checks again at every connect.
func checkSource(guard *netguard.Policy) func(context.Context, string) error {
	return func(ctx context.Context, rawURL string) error {
		err := guard.CheckURL(ctx, rawURL)
		if errors.Is(err, netguard.ErrRefused) || errors.Is(err, netguard.ErrBadHost) || errors.Is(err, netguard.ErrBadPort) {
			return err
		}
		return nil
	}
}
