package authtest

import (
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/auth"
)

// Signer is a signer with a fresh key.
func Signer(t testing.TB) *auth.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return auth.NewSigner(priv)
}

// Checker verifies the tokens of s and applies revs (nil: none revoked).
func Checker(s *auth.Signer, revs *auth.Revocations) *auth.Checker {
	return &auth.Checker{Verifier: auth.NewVerifier(s.Public()), Revocations: revs}
}

// Token mints a token of role (room: an anchor's room) with the defaults.
func Token(t testing.TB, s *auth.Signer, role api.Role, room string) string {
	t.Helper()
	return Mint(t, s, auth.Request{Role: role, Room: room})
}

// Mint mints req.
func Mint(t testing.TB, s *auth.Signer, req auth.Request) string {
	t.Helper()
	tok, _, err := s.Mint(req)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Expired is a token of role that expired an hour ago.
func Expired(t testing.TB, s *auth.Signer, role api.Role, room string) string {
	t.Helper()
	now := time.Now().Truncate(time.Second)
	tok, _, err := s.Sign(auth.Claims{Role: role, Room: room, RegisteredClaims: jwt.RegisteredClaims{
		Issuer: auth.Issuer, Audience: jwt.ClaimStrings{auth.Audience}, Subject: "expired:" + string(role), ID: "expired-" + string(role),
		IssuedAt: jwt.NewNumericDate(now.Add(-2 * time.Hour)), ExpiresAt: jwt.NewNumericDate(now.Add(-time.Hour)),
	}})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Tampered is tok with one character of its payload changed, so its
// signature no longer matches.
func Tampered(tok string) string {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || len(parts[1]) < 2 {
		return tok + "x"
	}
	p := []byte(parts[1])
	i := len(p) / 2
	if p[i] == 'A' {
		p[i] = 'B'
	} else {
		p[i] = 'A'
	}
	return parts[0] + "." + string(p) + "." + parts[2]
}
