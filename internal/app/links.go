package app

import (
	"context"
	"fmt"
	"time"

	"github.com/earshot/earshot/links"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/server"
)

// openLinks opens the returning-violator store and its hash key
// (DATA/keys/links.key). The key is created only while the cluster has
// none (no fingerprint in EARSHOT_BANS), and a key that differs from the
// cluster's stops the start: a node hashing with another key would never
// link what it hears to what the others heard.
func (s *Service) openLinks(ctx context.Context) error {
	if !s.cfg.Cluster.Has("scan") && !s.cfg.Cluster.Has("api") {
		return nil // ingest and index nodes hash nothing: they need no key
	}
	js, err := s.jetStream()
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	st, err := links.OpenStore(ctx, js, links.StoreOptions{Retention: time.Duration(s.cfg.Links.Retention),
		MaxBytes: s.bounds.links, BanMaxBytes: s.bounds.bans, Replicas: s.cfg.Cluster.Replicas})
	if err != nil {
		return err
	}
	h, err := s.linksKey(ctx, st)
	if err != nil {
		st.Close()
		return err
	}
	s.links = &links.Service{Store: st, Hasher: h, Logger: s.log.With("part", "links")}
	if s.cfg.Cluster.Has("api") && s.sink != nil { // a ban catches the accounts that came back before it
		s.links.Linker = links.NewLinker(links.Options{Store: st, Hasher: h, Realert: time.Duration(s.cfg.Links.Realert),
			Logger: s.log.With("part", "links")})
		s.links.Sink = s.sink
	}
	return nil
}

// linksKey loads (or, for a cluster that has none, creates) the hash key
// and checks it is the cluster's.
func (s *Service) linksKey(ctx context.Context, st *links.Store) (*links.Hasher, error) {
	fp, err := st.KeyFingerprint(ctx)
	if err != nil {
		return nil, err
	}
	h, created, err := links.LoadKey(s.cfg.DataDir, fp == "")
	if err != nil {
		return nil, err
	}
	if created {
		s.log.Warn("created the contact identifier hash key; every node of a cluster needs a copy", "file", links.KeyPath(s.cfg.DataDir))
	}
	return h, st.AdoptKey(ctx, h, links.KeyPath(s.cfg.DataDir))
}

// linkService is what the API serves of the links (nil: no routes).
func (s *Service) linkService() server.LinkService {
	if s.links == nil {
		return nil
	}
	return s.links
}

// linker is the scan role's returning-violator check.
func (s *Service) linker() pipeline.Linker {
	if s.links == nil {
		return nil
	}
	return links.NewLinker(links.Options{Store: s.links.Store, Hasher: s.links.Hasher,
		Realert: time.Duration(s.cfg.Links.Realert), Logger: s.log.With("role", "scan", "part", "links")})
}
