package links

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/earshot/earshot/internal/keyfile"
)

// KeyFile is the HMAC key identifiers are hashed with, inside DATA/keys.
// Every node of a cluster that scans or serves the API needs the same
// file (copy it): a different key hashes the same number differently.
const KeyFile = "links.key"

// keyBytes is the key's length: SHA-256's block-sized secret is overkill,
// its output size is the usual choice (RFC 2104 section 3).
const keyBytes = 32

// Hasher turns a normalized identifier into its keyed hash.
type Hasher struct{ key []byte }

// NewHasher makes a Hasher of key (at least 16 bytes).
func NewHasher(key []byte) (*Hasher, error) {
	if len(key) < 16 {
		return nil, fmt.Errorf("links: hash key of %d bytes: want at least 16", len(key))
	}
	return &Hasher{key: append([]byte(nil), key...)}, nil
}

// Hash is the hex HMAC-SHA256 of value, cut to 128 bits: enough that two
// identifiers never share a hash, short enough for KV keys.
func (h *Hasher) Hash(value string) string {
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// KeyPath is where LoadKey reads the key of a data dir.
func KeyPath(dataDir string) string { return filepath.Join(dataDir, "keys", KeyFile) }

// LoadKey reads DATA/keys/links.key, creating it when it is missing and
// create is true (the caller knows no node hashed with a key yet: a new
// key beside stored mentions would unlink all of them).
func LoadKey(dataDir string, create bool) (*Hasher, bool, error) {
	dir := filepath.Join(dataDir, "keys")
	path := filepath.Join(dir, KeyFile)
	key, err := keyfile.Read(path)
	created := false
	if errors.Is(err, keyfile.ErrMissing) {
		if !create {
			return nil, false, fmt.Errorf("links: %s is missing and the cluster hashes contact identifiers with a key (its fingerprint is in %s): restore the key from a backup or copy it from another node (a new key would unlink every stored mention)", path, BanBucket)
		}
		if err := keyfile.EnsureDir(dir); err != nil {
			return nil, false, err
		}
		key = make([]byte, keyBytes)
		_, _ = rand.Read(key) // crypto/rand.Read never fails (Go >= 1.24)
		err = keyfile.Create(path, key)
		if errors.Is(err, fs.ErrExist) { // another process on this data dir was first
			key, err = keyfile.Read(path)
		} else if err == nil {
			created = true
		}
	}
	if err != nil {
		return nil, false, fmt.Errorf("links: hash key: %w", err)
	}
	h, err := NewHasher(key)
	return h, created, err
}
