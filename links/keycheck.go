package links

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// keyCheckKey holds the fingerprint of the hash key every node must share.
const keyCheckKey = "keycheck"

// Fingerprint identifies the key without revealing it: the keyed hash of
// a fixed string.
func (h *Hasher) Fingerprint() string { return h.Hash("earshot links key fingerprint v1") }

// KeyFingerprint is the fingerprint of the key the cluster hashes with,
// "" before any node recorded one.
func (s *Store) KeyFingerprint(ctx context.Context) (string, error) {
	e, err := s.bans.Get(ctx, keyCheckKey)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("links: read the key fingerprint: %w", err)
	}
	return string(e.Value()), nil
}

// AdoptKey records h as the cluster's key when none is recorded, and
// refuses a key that differs from the recorded one: a node hashing with
// another key would never link what it hears to what the others heard.
func (s *Store) AdoptKey(ctx context.Context, h *Hasher, path string) error {
	fp := h.Fingerprint()
	if _, err := s.bans.Create(ctx, keyCheckKey, []byte(fp)); err == nil {
		return nil
	} else if !errors.Is(err, jetstream.ErrKeyExists) {
		return fmt.Errorf("links: record the key fingerprint: %w", err)
	}
	got, err := s.KeyFingerprint(ctx)
	if err != nil {
		return err
	}
	if got != fp {
		return fmt.Errorf("links: %s is not the key the other nodes hash contact identifiers with (fingerprint %.12s, theirs %.12s): copy keys/%s from a node of this cluster", path, fp, got, KeyFile)
	}
	return nil
}
