package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// KeyFile is the key's file name inside the data dir.
const KeyFile = "token.key"

// Claims is what a token grants.
type Claims struct {
	// Room limits the token to one room; empty for role tokens.
	Room string `json:"room,omitempty"`
	// Role is "anchor" for room tokens, or "policy" / "compliance".
	Role string `json:"role"`
	// Expires is a Unix time; zero never expires.
	Expires int64 `json:"exp,omitempty"`
}

// Errors a caller can tell apart.
var (
	ErrMalformed = errors.New("token is malformed")
	ErrSignature = errors.New("token signature does not match")
	ErrExpired   = errors.New("token has expired")
	ErrScope     = errors.New("token does not grant this")
)

// Signer signs and verifies tokens with one key.
type Signer struct{ key []byte }

// LoadOrCreate reads the key from dataDir, creating it (0600) on first use.
func LoadOrCreate(dataDir string) (*Signer, error) {
	path := filepath.Join(dataDir, KeyFile)
	key, err := os.ReadFile(path)
	if err == nil {
		if len(key) < 32 {
			return nil, fmt.Errorf("auth: %s: key shorter than 32 bytes", path)
		}
		return &Signer{key: key}, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("auth: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	// O_EXCL: if another process created the key meanwhile, use theirs.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return LoadOrCreate(dataDir)
	}
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	defer f.Close()
	if _, err := f.Write(key); err != nil {
		return nil, fmt.Errorf("auth: writing %s: %w", path, err)
	}
	return &Signer{key: key}, nil
}

// NewSigner uses key directly (tests, external key management).
func NewSigner(key []byte) *Signer { return &Signer{key: append([]byte(nil), key...)} }

// Sign returns a token for c.
func (s *Signer) Sign(c Claims) (string, error) {
	body, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("auth: %w", err)
	}
	enc := base64.RawURLEncoding
	payload := enc.EncodeToString(body)
	return payload + "." + enc.EncodeToString(s.mac(payload)), nil
}

func (s *Signer) mac(payload string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// Verify checks the signature and expiry and returns the claims.
func (s *Signer) Verify(token string, now time.Time) (Claims, error) {
	payload, sig, ok := strings.Cut(token, ".")
	if !ok || payload == "" || sig == "" {
		return Claims{}, ErrMalformed
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return Claims{}, ErrMalformed
	}
	if !hmac.Equal(got, s.mac(payload)) {
		return Claims{}, ErrSignature
	}
	body, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return Claims{}, ErrMalformed
	}
	var c Claims
	if err := json.Unmarshal(body, &c); err != nil {
		return Claims{}, ErrMalformed
	}
	if c.Expires != 0 && now.Unix() >= c.Expires {
		return Claims{}, ErrExpired
	}
	return c, nil
}

// AllowRoom verifies token and checks it grants room. Role tokens of
// compliance staff may watch every room.
func (s *Signer) AllowRoom(token, room string, now time.Time) error {
	c, err := s.Verify(token, now)
	if err != nil {
		return err
	}
	if c.Room == room || c.Role == "compliance" {
		return nil
	}
	return ErrScope
}

// AllowRole verifies token and checks it carries role.
func (s *Signer) AllowRole(token, role string, now time.Time) error {
	c, err := s.Verify(token, now)
	if err != nil {
		return err
	}
	if c.Role != role {
		return ErrScope
	}
	return nil
}

// Bearer extracts the token from an Authorization header value.
func Bearer(header string) string {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}
