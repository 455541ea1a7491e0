package keyfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/nats-io/nkeys"
)

// ErrMissing is wrapped when a key file does not exist.
var ErrMissing = errors.New("key file missing")

// EnsureDir creates dir (and parents) with mode 0700 if missing and refuses
// an existing dir that group or others may read.
func EnsureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("keyfile: %w", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("keyfile: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("keyfile: %s has mode %04o, group or others can reach the keys: chmod 700 %s", dir, fi.Mode().Perm(), dir)
	}
	return nil
}

// Exists reports whether path exists (any error but "not found" counts as
// existing, so a caller never decides to create over an unreadable key).
func Exists(path string) bool {
	_, err := os.Lstat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// Read returns the file's content after checking that it is a regular file
// of mode 0600 or stricter. A missing file wraps ErrMissing.
func Read(path string) ([]byte, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("keyfile: %s: %w", path, ErrMissing)
	}
	if err != nil {
		return nil, fmt.Errorf("keyfile: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("keyfile: %s is not a regular file", path)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("keyfile: %s has mode %04o, group or others can read it: chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("keyfile: %w", err)
	}
	return data, nil
}

// Create writes data to a new file of mode 0600; it fails with an error
// wrapping fs.ErrExist if the file is already there. A partly written file
// is removed.
func Create(path string, data []byte) (err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("keyfile: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("keyfile: %w", cerr)
		}
		if err != nil {
			_ = os.Remove(path)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("keyfile: writing %s: %w", path, err)
	}
	return f.Sync()
}

// Replace atomically writes data to path (mode 0600) through a temporary
// file in the same directory, for files that change (revocation lists),
// never for keys.
func Replace(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("keyfile: %w", err)
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("keyfile: writing %s: %w", path, werr)
	}
	return nil
}

// Append adds data at the end of path, creating it with mode 0600, for
// append-only logs beside the keys.
func Append(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("keyfile: %w", err)
	}
	_, werr := f.Write(data)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("keyfile: appending to %s: %w", path, werr)
	}
	return nil
}

// ReadSeed reads an nkey seed file written by CreateSeed (or by nsc).
func ReadSeed(path string) (nkeys.KeyPair, error) {
	data, err := Read(path)
	if err != nil {
		return nil, err
	}
	kp, err := nkeys.FromSeed(bytes.TrimSpace(data))
	if err != nil {
		return nil, fmt.Errorf("keyfile: %s does not hold an nkey seed: %w", path, err)
	}
	return kp, nil
}

// CreateSeed creates a key pair of the given nkeys prefix and stores its
// seed in a new file at path.
func CreateSeed(path string, prefix nkeys.PrefixByte) (nkeys.KeyPair, error) {
	kp, err := nkeys.CreatePair(prefix)
	if err != nil {
		return nil, fmt.Errorf("keyfile: %w", err)
	}
	seed, err := kp.Seed()
	if err != nil {
		return nil, fmt.Errorf("keyfile: %w", err)
	}
	if err := Create(path, append(seed, '\n')); err != nil {
		return nil, err
	}
	return kp, nil
}
