package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/auth/revocation"
	"github.com/earshot/earshot/internal/keyfile"
)

// legacyTokenKey is the HMAC key of the hand-made token format earshot
// used before JWTs; its tokens are no longer accepted.
const legacyTokenKey = "token.key"

// OpenHTTPKeys opens the HTTP token keys of a data dir (DATA/keys/http),
// trusting the public keys in trusted too. They are created only on a new
// data dir (missing, empty, or holding only other keys copied in), or once on a data dir of an earshot that
// signed tokens with the legacy DATA/token.key, whose tokens cannot verify
// as JWTs anyway; that key is then renamed token.key.retired. Keys missing
// from a data dir in use are an error, never regenerated: new keys would
// invalidate every token handed out.
func OpenHTTPKeys(dataDir string, trusted []string, log *slog.Logger) (*auth.Keys, error) {
	dir := auth.KeysDir(dataDir)
	legacy := filepath.Join(dataDir, legacyTokenKey)
	migrate := !keyfile.Exists(dir) && keyfile.Exists(legacy)
	keys, err := auth.Open(dir, auth.OpenOptions{Create: newDataDir(dataDir) || migrate, Trusted: trusted})
	if errors.Is(err, auth.ErrNoKeys) {
		return nil, fmt.Errorf("data dir %s is in use but has no HTTP token keys: restore %s from a backup, or list verification keys in http.token_keys (a new key would invalidate every token handed out): %w",
			dataDir, dir, err)
	}
	if err != nil {
		return nil, fmt.Errorf("data dir %s: %w", dataDir, err)
	}
	if keys.Created() && migrate {
		if err := os.Rename(legacy, legacy+".retired"); err != nil {
			return nil, fmt.Errorf("retiring %s: %w", legacy, err)
		}
		log.Warn("HTTP tokens are JWTs now: tokens minted before this version are no longer accepted; mint new ones with earshot token",
			"retired", legacy+".retired", "keys", dir)
	}
	return keys, nil
}

// newDataDir: a data dir that does not exist yet, is empty, or holds only
// keys copied in before its first start (a cluster worker is given the
// lexicon key that way), none of them HTTP token keys.
func newDataDir(dir string) bool {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return true
	}
	if err != nil {
		return false
	}
	for _, e := range ents {
		if e.Name() != "keys" || !e.IsDir() {
			return false
		}
	}
	return !keyfile.Exists(auth.KeysDir(dir))
}

// Mint signs a token with this node's key (an error on a node that only
// verifies).
func (s *Service) Mint(req auth.Request) (string, error) {
	tok, _, err := s.keys.Signer.Mint(req)
	return tok, err
}

// Keys are this node's HTTP token keys.
func (s *Service) Keys() *auth.Keys { return s.keys }

// openRevocations reads the revocation list (revocation.Store) and makes
// every token check apply it, before the API listens.
func (s *Service) openRevocations() error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	js, err := s.jetStream()
	if err != nil {
		return fmt.Errorf("revocations: %w", err)
	}
	st, err := revocation.Open(ctx, js, revocation.Options{Replicas: s.cfg.Cluster.Replicas, Logger: s.log,
		MaxBytes: s.bounds.revocations})
	if err != nil {
		return err
	}
	s.revocations = st
	s.tokens.Revocations = st.List()
	return nil
}

// allowedHosts is http.allowed_hosts, or the default: the listen address's
// host name, localhost when it is loopback, and localhost and this
// machine's name when it is a wildcard (IP literals always pass).
func allowedHosts(h config.HTTP) []string {
	if len(h.AllowedHosts) > 0 {
		return h.AllowedHosts
	}
	host, _, _ := net.SplitHostPort(h.Addr)
	ip := net.ParseIP(host)
	switch {
	case host == "" || (ip != nil && ip.IsUnspecified()):
		out := []string{"localhost"}
		if name, err := os.Hostname(); err == nil && name != "" {
			out = append(out, name)
		}
		return out
	case ip != nil && ip.IsLoopback(), host == "localhost":
		return []string{"localhost"}
	case ip == nil:
		return []string{host}
	}
	return []string{"localhost"} // an IP address: IP literals pass anyway
}

// HTTPRoutes are the routes this node's API serves, and the handlers it
// has without an api.Routes entry (none, unless there is a bug).
func (s *Service) HTTPRoutes() (served []api.Route, unlisted []string) {
	if s.api == nil {
		return nil, nil
	}
	return s.api.Routes(), s.api.Unlisted()
}
