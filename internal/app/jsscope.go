package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter/natsauth"
)

// scopedJS is the JetStream context of a node whose NATS user may manage
// only some streams (a cluster role's user, docs/nats-permissions.md): it
// creates and updates those, and binds to the others as they are, waiting
// (a start-up step retried, startup.go) until a node that may has made
// them. With an unrestricted user it is plain JetStream: one code path.
type scopedJS struct {
	jetstream.JetStream
	perms *natsPerms
}

// jetStream is the node's JetStream context, scoped to its permissions.
func (s *Service) jetStream(opts ...jetstream.JetStreamOpt) (jetstream.JetStream, error) {
	js, err := jetstream.New(s.nc, opts...)
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	if s.perms == nil {
		return js, nil
	}
	return scopedJS{JetStream: js, perms: s.perms}, nil
}

// mayManage reports whether this node creates and updates stream.
func (s *Service) mayManage(stream string) bool { return s.perms.mayManage(stream) }

// notMadeYet is the transient error of a stream this node waits for.
func notMadeYet(stream string) error {
	var by []string
	for _, r := range natsauth.ManagedBy(stream) {
		by = append(by, string(r))
	}
	return fmt.Errorf("%w: stream %s does not exist yet and this node's NATS user may not create it; a node with role %s makes it",
		errNotYet, stream, strings.Join(by, " or "))
}

func (j scopedJS) bindStream(ctx context.Context, name string) (jetstream.Stream, error) {
	st, err := j.Stream(ctx, name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil, notMadeYet(name)
	}
	return st, err
}

func (j scopedJS) bindKV(ctx context.Context, bucket string) (jetstream.KeyValue, error) {
	kv, err := j.KeyValue(ctx, bucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) || errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil, notMadeYet("KV_" + bucket)
	}
	return kv, err
}

func (j scopedJS) CreateStream(ctx context.Context, cfg jetstream.StreamConfig) (jetstream.Stream, error) {
	if j.perms.mayManage(cfg.Name) {
		return j.JetStream.CreateStream(ctx, cfg)
	}
	return j.bindStream(ctx, cfg.Name)
}

func (j scopedJS) UpdateStream(ctx context.Context, cfg jetstream.StreamConfig) (jetstream.Stream, error) {
	if j.perms.mayManage(cfg.Name) {
		return j.JetStream.UpdateStream(ctx, cfg)
	}
	return j.bindStream(ctx, cfg.Name)
}

func (j scopedJS) CreateOrUpdateStream(ctx context.Context, cfg jetstream.StreamConfig) (jetstream.Stream, error) {
	if j.perms.mayManage(cfg.Name) {
		return j.JetStream.CreateOrUpdateStream(ctx, cfg)
	}
	return j.bindStream(ctx, cfg.Name)
}

func (j scopedJS) CreateKeyValue(ctx context.Context, cfg jetstream.KeyValueConfig) (jetstream.KeyValue, error) {
	if j.perms.mayManage("KV_" + cfg.Bucket) {
		return j.JetStream.CreateKeyValue(ctx, cfg)
	}
	return j.bindKV(ctx, cfg.Bucket)
}

func (j scopedJS) UpdateKeyValue(ctx context.Context, cfg jetstream.KeyValueConfig) (jetstream.KeyValue, error) {
	if j.perms.mayManage("KV_" + cfg.Bucket) {
		return j.JetStream.UpdateKeyValue(ctx, cfg)
	}
	return j.bindKV(ctx, cfg.Bucket)
}

func (j scopedJS) CreateOrUpdateKeyValue(ctx context.Context, cfg jetstream.KeyValueConfig) (jetstream.KeyValue, error) {
	if j.perms.mayManage("KV_" + cfg.Bucket) {
		return j.JetStream.CreateOrUpdateKeyValue(ctx, cfg)
	}
	return j.bindKV(ctx, cfg.Bucket)
}

// awaitStream is a transient error until stream exists (a start-up step
// retries it).
func (s *Service) awaitStream(ctx context.Context, stream string) error {
	js, err := jetstream.New(s.nc)
	if err != nil {
		return err
	}
	if _, err := (scopedJS{JetStream: js, perms: s.perms}).bindStream(ctx, stream); err != nil {
		return err
	}
	return nil
}
