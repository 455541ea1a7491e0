package auth_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/authtest"
)

func platformKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestPlatformViewers: a viewer token the platform signs with its own key
// is a viewer token and nothing more; forged, overlong, mis-addressed or
// over-claiming ones are refused by name.
func TestPlatformViewers(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	key, other := platformKey(t), platformKey(t)
	staff := authtest.Signer(t)
	k := &auth.Checker{Verifier: auth.NewVerifier(staff.Public()), Viewers: auth.NewPlatformViewers(key.Public().(ed25519.PublicKey))}

	good, err := auth.SignViewer(key, "v-123", now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c, err := k.Check(good, now)
	if err != nil || c.Role != api.RoleViewer || c.Viewer != "v-123" || c.Subject != "viewer:v-123" || c.ID == "" {
		t.Fatalf("platform viewer token: %+v, %v", c, err)
	}
	sign := func(key ed25519.PrivateKey, claims jwt.MapClaims) string {
		tk := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
		tk.Header["kid"] = auth.KeyID(key.Public().(ed25519.PublicKey))
		s, err := tk.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	base := func() jwt.MapClaims {
		return jwt.MapClaims{"aud": auth.ViewerAudience, "sub": "v-1", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	}
	with := func(k string, v any) jwt.MapClaims { c := base(); c[k] = v; return c }
	forged, _ := auth.SignViewer(other, "v-123", now, time.Hour)
	cases := []struct {
		name, token string
		want        error
	}{
		{"another key", forged, auth.ErrSignature},
		{"tampered", authtest.Tampered(good), auth.ErrMalformed},
		{"claims admin", sign(key, with("role", "admin")), auth.ErrInvalid},
		{"lives two days", sign(key, with("exp", now.Add(48*time.Hour).Unix())), auth.ErrInvalid},
		{"no iat", sign(key, func() jwt.MapClaims { c := base(); delete(c, "iat"); return c }()), auth.ErrInvalid},
		{"staff audience", sign(key, with("aud", auth.Audience)), auth.ErrInvalid},
		{"bad viewer id", sign(key, with("sub", "a b")), auth.ErrInvalid},
		{"expired", sign(key, with("exp", now.Add(-time.Minute).Unix())), auth.ErrExpired},
		{"issued a year ahead", sign(key, func() jwt.MapClaims {
			c := base()
			c["iat"], c["exp"] = now.AddDate(1, 0, 0).Unix(), now.AddDate(1, 0, 0).Add(time.Hour).Unix()
			return c
		}()), auth.ErrInvalid},
		{"not yet valid", sign(key, with("nbf", now.Add(time.Hour).Unix())), auth.ErrInvalid},
		{"no exp", sign(key, func() jwt.MapClaims { c := base(); delete(c, "exp"); return c }()), auth.ErrInvalid},
		{"unknown kid", func() string {
			tk := jwt.NewWithClaims(jwt.SigningMethodEdDSA, base())
			tk.Header["kid"] = "nope"
			s, _ := tk.SignedString(key)
			return s
		}(), auth.ErrSignature},
		{"garbage", "not.a.token", auth.ErrMalformed},
	}
	for _, tc := range cases {
		if _, err := k.Check(tc.token, now); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	// Without platform keys a platform token is just a forgery.
	bare := &auth.Checker{Verifier: auth.NewVerifier(staff.Public())}
	if _, err := bare.Check(good, now); !errors.Is(err, auth.ErrSignature) {
		t.Fatalf("platform token without viewer keys: %v", err)
	}
}

// TestViewerTokens: earshot's own viewer tokens name their viewer, and a
// viewer claim on another role is refused.
func TestViewerTokens(t *testing.T) {
	s := authtest.Signer(t)
	_, c, err := s.Mint(auth.Request{Role: api.RoleViewer, Viewer: "viewer-9"})
	if err != nil || c.Subject != "viewer:viewer-9" || c.Expires().Sub(c.Issued()) != api.ViewerTTL {
		t.Fatalf("%+v %v", c, err)
	}
	for _, req := range []auth.Request{{Role: api.RoleViewer}, {Role: api.RoleCompliance, Viewer: "v"}, {Role: api.RoleViewer, Viewer: "a/b"}} {
		if _, _, err := s.Mint(req); err == nil {
			t.Errorf("%+v minted", req)
		}
	}
}
