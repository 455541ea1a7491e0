package app

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/links"
	"github.com/earshot/earshot/pipeline"
)

// openLinks opens the returning-violator store and its hash key
// (DATA/keys/links.key). The key is created only while no mention is
// stored: a new key beside stored mentions would unlink all of them.
func (s *Service) openLinks(ctx context.Context) error {
	js, err := jetstream.New(s.nc)
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	stored, err := links.HasMentions(ctx, js)
	if err != nil {
		return err
	}
	h, created, err := links.LoadKey(s.cfg.DataDir, !stored)
	if err != nil {
		return err
	}
	if created {
		s.log.Warn("created the contact identifier hash key; every node of a cluster needs a copy", "file", "keys/"+links.KeyFile)
	}
	st, err := links.OpenStore(ctx, js, links.StoreOptions{Retention: time.Duration(s.cfg.Links.Retention),
		MaxBytes: s.bounds.links, BanMaxBytes: s.bounds.bans, Replicas: s.cfg.Cluster.Replicas})
	if err != nil {
		return err
	}
	s.links = &links.Service{Store: st, Hasher: h}
	return nil
}

// linker is the scan role's returning-violator check.
func (s *Service) linker() pipeline.Linker {
	if s.links == nil {
		return nil
	}
	return links.NewLinker(links.Options{Store: s.links.Store, Hasher: s.links.Hasher,
		Realert: time.Duration(s.cfg.Links.Realert), Logger: s.log.With("role", "scan", "part", "links")})
}
