package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"

	"github.com/earshot/earshot/internal/keyfile"
	"github.com/earshot/earshot/lexicon/version"
)

// LexiconKeyFile is the seed this API node signs lexicon versions with,
// inside DATA/keys. API nodes of one cluster share it (copy the file).
const LexiconKeyFile = "lexicon.nk"

// lexiconKeys loads the lexicon signing key. It is created only while no
// version in the bucket is signed (a new data dir, or versions written
// before signing, which the caller then adopts: created is true); a
// missing key beside signed versions is an error, because a new key would
// be refused by every worker.
func (s *Service) lexiconKeys(ctx context.Context, js jetstream.JetStream) (keys *version.Keys, created bool, err error) {
	dir := filepath.Join(s.cfg.DataDir, "keys")
	path := filepath.Join(dir, LexiconKeyFile)
	kp, err := keyfile.ReadSeed(path)
	if errors.Is(err, keyfile.ErrMissing) {
		signer, serr := version.ActiveSigner(ctx, js)
		switch {
		case serr == nil && signer != "":
			return nil, false, fmt.Errorf("lexicon: %s is missing and the active version in %s is signed by %s: restore the key from a backup, or copy it from the API node that holds it (a new key would be refused by every worker)",
				path, version.Bucket, signer)
		case serr != nil && !errors.Is(serr, version.ErrEmpty):
			return nil, false, serr
		}
		if err := keyfile.EnsureDir(dir); err != nil {
			return nil, false, err
		}
		kp, err = keyfile.CreateSeed(path, nkeys.PrefixByteAccount)
		if errors.Is(err, fs.ErrExist) { // another process on this data dir was first
			kp, err = keyfile.ReadSeed(path)
		} else if err == nil {
			created = true
		}
	}
	if err != nil {
		return nil, false, fmt.Errorf("lexicon signing key: %w", err)
	}
	keys, err = version.NewKeys(kp, s.cfg.Lexicon.TrustedKeys...)
	if err != nil {
		return nil, false, fmt.Errorf("lexicon: %w", err)
	}
	if created {
		s.log.Warn("created the lexicon signing key; other API nodes of a cluster need a copy", "file", path, "key", keys.SigningKey())
	}
	return keys, created, nil
}

// LexiconKeys verify lexicon versions as this service does (tests,
// watchers of other processes).
func (s *Service) LexiconKeys() *version.Keys { return s.lex.keys }
